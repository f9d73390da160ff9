using System.Text.Json;
using Tests.Ansible;
using Tests.CircleCi;
using Tests.Doubles;
using Tests.Feedback;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Verification;

/// <summary>
/// The generated deploy workflow run job by job as CircleCI orders it, each job its own ./build.sh process: the real
/// terraform on infra/ itself with the real AWS provider (from the machine's mirror), its state and the instances on
/// moto, the verified-image ledger on moto's SSM, every PolicyCheck on the real plan with no waiver. Ansible runs
/// over a real sshd and SmokeTest asks a local web server (--ansible-host, --smoke-test-url): moto's instance
/// addresses answer nothing (the Debian host's real nginx is exercised in RealRolesTests).
/// Each scenario is a class of its own (its own moto_server and repository copy), so the two run side by side.
/// </summary>
public abstract class PromotionSimulation(MotoServer moto, SimulatedRepository repository) : IAsyncLifetime
{
    protected string Baked { get; private set; } = "";
    protected const string Commit = "feed0123feed0123";
    protected readonly string Scratch = Directory.CreateTempSubdirectory("promotion-").FullName;
    protected readonly Dictionary<string, JobRun> Runs = new(StringComparer.Ordinal);
    protected string Served = Commit;
    protected LocalHttpServer? Site;
    protected readonly Doubles.GitHub.GitHubServer GitHub = new(GitHubToken);
    private const string GitHubToken = "ghp_PromotionSimulationToken0123456789";
    private SshServer? _ssh;

    public async Task InitializeAsync()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled && MotoServer.IsInstalled, "terraform or moto_server is missing");
        RequiredPeer.Require(SshServer.SshdPath is not null && RequiredPeer.OnPath("ansible-playbook"), "sshd or ansible-playbook is missing; .ci/run installs them");
        ProviderMirror.Require();
        await moto.ResetAsync();
        await moto.CreateStateBackendAsync(TestModule.StateBucket, TestModule.LockTable);
        TestModule.UsePathStyle(repository.Root);
        // What PackerBuild (the packer double: packer build needs AWS) reports having baked: an image moto can run.
        Baked = await moto.SeedAsync("image", "gitops-web-baked", """{ "Project": "gitops-demo" }""");
        repository.ResetWorkspace();
        Site = new LocalHttpServer(request => request.Path == "/version.txt"
            ? new ServerResponse(200, Served + "\n", "text/plain")
            : new ServerResponse(404, "not found", "text/plain"));
        _ssh = await SshServer.CreateAsync();
        _ssh.Start();
    }

    public async Task DisposeAsync()
    {
        Site?.Dispose();
        GitHub.Dispose();
        if (_ssh is not null) await _ssh.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = moto.Environment();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
            environment[name] = System.Environment.GetEnvironmentVariable(name) ?? "";
        environment["CI"] = "true";
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = Commit;
        environment["CIRCLE_BRANCH"] = "main";
        environment["CIRCLE_WORKFLOW_ID"] = "wf-deploy";
        environment["AWS_RETRY_BASE_DELAY_MS"] = "5";
        environment["PACKER_DOUBLE_LOG"] = Path.Combine(Scratch, "packer.log");
        environment["PACKER_DOUBLE_AMI"] = Baked;
        environment["TF_CLI_CONFIG_FILE"] = ProviderMirror.CliConfigFile;
        environment["ANSIBLE_HOST"] = "127.0.0.1";
        environment["ANSIBLE_PORT"] = _ssh!.Port.ToString();
        environment["ANSIBLE_USER"] = SshServer.User;
        environment["ANSIBLE_HOST_KEY"] = _ssh.HostPublicKey;
        environment["SSH_PRIVATE_KEY"] = _ssh.UserPrivateKey;
        environment["ANSIBLE_PLAYBOOK"] = Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml");
        environment["ANSIBLE_EXTRA_VARS"] = $"marker_dir={Scratch}";
        environment["READINESS_POLL_MS"] = "100";
        environment["SMOKE_TEST_URL"] = Site!.Url + "/";
        environment["SMOKE_TEST_POLL_MS"] = "100";
        environment["SMOKE_TEST_TIMEOUT_SECONDS"] = "2";
        // GitHub has no local peer: our server speaks its REST API, deployments included.
        environment["GITHUB_TOKEN"] = GitHubToken;
        environment["GITHUB_API_URL"] = GitHub.Url;
        environment["CIRCLE_PROJECT_USERNAME"] = "acme";
        environment["CIRCLE_PROJECT_REPONAME"] = "infra";
        environment["CIRCLE_BUILD_URL"] = "https://circleci.com/gh/acme/infra/42";
        environment["FEEDBACK_RETRY_BASE_DELAY_MS"] = "10";
        return environment;
    }

    protected async Task<IReadOnlyList<WorkflowJobOutcome>> RunDeployWorkflowAsync()
    {
        var config = await File.ReadAllTextAsync(Path.Combine(repository.Root, ".circleci", "config.yml"));
        var environment = Environment();
        return await WorkflowRunner.RunAsync(config, "deploy", new Dictionary<string, string>(), async job =>
        {
            var arguments = job.Command.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(a => a != "./build.sh").Skip(1).ToArray();
            var jobEnvironment = new Dictionary<string, string>(environment);
            // The job's own environment as CircleCI sets it, its /root home moved into the scratch folder.
            foreach (var (name, value) in job.Environment)
                jobEnvironment[name] = value.StartsWith("/root/", StringComparison.Ordinal) ? Path.Combine(Scratch, "home", value["/root/".Length..]) : value;
            // packer build needs AWS: that job runs the packer double; PackerValidate runs the real packer.
            if (job.Name == "PackerBuild")
                jobEnvironment["PACKER_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Packer", "packer-double.sh");
            var preparation = await repository.RunCommandsAsync(job.Preparation.Select(c => c.Replace("/root/", Path.Combine(Scratch, "home") + "/", StringComparison.Ordinal)), jobEnvironment);
            var run = await repository.RunJobAsync(job.Name, arguments, jobEnvironment);
            Runs[job.Name] = run;
            // A job that succeeded while Terraform printed an error (a plugin cache folder that does not exist, a
            // CLI configuration it cannot read) is broken on CircleCI just the same.
            return preparation && run.ExitCode == 0 && !run.Output.Contains("│ Error:", StringComparison.Ordinal);
        });
    }

    protected async Task<JsonElement?> VerifiedImageAsync(string environment)
    {
        try { return JsonDocument.Parse(await moto.SeedAsync("parameter", $"/gitops-demo/{environment}/ami-id")).RootElement; }
        catch (InvalidOperationException) { return null; }
    }

    protected MotoServer Moto => moto;
}
