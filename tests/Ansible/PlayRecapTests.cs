using Pipeline.Ansible;

namespace Tests.Ansible;

public sealed class PlayRecapTests
{
    [Fact]
    public void Failed_tasks_and_the_recap_are_read_from_ansibles_output()
    {
        var recap = new PlayRecap();
        foreach (var line in """
            PLAY [Configure the web server] ************************************************

            TASK [base : Refresh the apt cache when it is older than an hour] *************
            ok: [i-0123]

            TASK [web : Install nginx] *****************************************************
            fatal: [i-0123]: FAILED! => {"changed": false, "msg": "No package matching 'nginx' is available"}

            PLAY RECAP *********************************************************************
            i-0123                     : ok=1    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
            """.Split('\n'))
            recap.Read(line);

        Assert.False(recap.Succeeded);
        Assert.Equal(new FailedTask("i-0123", "web : Install nginx", "No package matching 'nginx' is available"), Assert.Single(recap.Failures));
        Assert.Equal(new HostRecap("i-0123", 1, 0, 0, 1, 0, 0, 0), Assert.Single(recap.Hosts));
    }

    [Fact]
    public void An_unreachable_host_is_a_failure_with_its_message()
    {
        var recap = new PlayRecap();
        recap.Read("TASK [Gathering Facts] *********************************************************");
        recap.Read("fatal: [web1]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh: Host key verification failed.\", \"unreachable\": true}");
        recap.Read("web1                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0");

        Assert.False(recap.Succeeded);
        Assert.Contains("Host key verification failed", recap.Failures[0].Message);
    }
}
