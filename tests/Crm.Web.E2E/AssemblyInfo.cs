// One AppHost and one browser for the whole suite; the tests share them one at a time (2 cores).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
