using System.Diagnostics;
using System.Globalization;
using AiBench;
using Crm.AiWorker.Features.Embeddings;

// bench/ai.sh runs this; see bench/README.md, "AI worker".
// Usage: AiBench cpu <word-vector file>
//        AiBench vectors <word-vector file> <admin connection string> <counts, comma-separated> [--keep]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var (part, vectorFile) = (args[0], args[1]);
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {(Debugger.IsAttached ? "debugger" : "no debugger")}, " +
                  $"{(typeof(SifEmbeddingGenerator).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled) ? "Debug" : "Release")} build of Crm.AiWorker");

if (part == "cpu")
{
    var sif = EmbeddingBench.Run(vectorFile);
    GC.KeepAlive(sif);
    LeadBench.Run();
}
else if (part == "vectors")
{
    var sif = new SifEmbeddingGenerator(WordVectors.Load(vectorFile));
    foreach (var count in args[3].Split(',').Select(int.Parse))
    {
        await VectorBench.RunAsync(args[2], count, sif, keep: args is [.., "--keep"]);
    }
}
else
{
    throw new ArgumentException($"unknown part {part}: cpu or vectors");
}
