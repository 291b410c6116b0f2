using Crm.AppHost.Local;

LocalOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(LocalOptions.Usage);
        return 0;
    }
    options = LocalOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LocalOptions.Usage);
    return 2;
}

return await new LocalAppHost(options).RunAsync();
