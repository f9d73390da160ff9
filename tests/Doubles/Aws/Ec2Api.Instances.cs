namespace Tests.Doubles.Aws;

/// <summary>Instance calls; extended by the configuration tests.</summary>
public sealed partial class Ec2Api
{
    private ServerResponse? HandleInstances(string action, Dictionary<string, string> form) => null;
}
