using System.Text.RegularExpressions;
using Tests.Bootstrap;

namespace Tests.Docs;

/// <summary>
/// The README is a front page and docs/ holds the rest: every relative link in them names a file that exists and,
/// with a #fragment, a heading of that file (GitHub's anchors: lower case, punctuation dropped, spaces as '-',
/// repeated headings numbered). A page moved or a heading renamed fails here, not for a reader.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    private static string Root => RepositoryCopy.RepositoryRoot;

    private static IEnumerable<string> Pages() =>
        [Path.Combine(Root, "README.md"), .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    public static string Anchor(string heading) =>
        NotInAnchor().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            if (inCode || Heading().Match(line) is not { Success: true } heading) continue;
            var anchor = Anchor(heading.Groups[1].Value);
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            anchors.Add(count == 0 ? anchor : $"{anchor}-{count}");
        }
        return anchors;
    }

    [Fact]
    public void Every_relative_link_and_anchor_in_the_README_and_docs_exists()
    {
        var broken = new List<string>();
        var links = 0;
        foreach (var page in Pages())
        {
            foreach (Match link in Link().Matches(File.ReadAllText(page)))
            {
                var target = link.Groups[1].Value;
                if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    continue;
                links++;
                var parts = target.Split('#', 2);
                var file = parts[0].Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, parts[0]));
                if (!File.Exists(file) && !Directory.Exists(file))
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {target} (no such file)");
                else if (parts.Length == 2 && !Anchors(File.ReadAllText(file)).Contains(parts[1]))
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {target} (no such heading)");
            }
        }
        Assert.True(links > 10, $"only {links} links found: the check reads nothing");
        Assert.Empty(broken);
    }

    [Fact]
    public void The_README_is_a_front_page_that_links_every_page_of_docs()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.True(readme.Split('\n').Length <= 250, "README.md has more than 250 lines: move the detail into docs/");
        foreach (var page in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"))
            Assert.Contains($"](docs/{Path.GetFileName(page)}", readme);
        Assert.Contains("dotnet test tests/Tests.csproj", readme);
        Assert.Contains("./build.sh", readme);
    }

    [Fact]
    public void Anchors_follow_GitHubs_rules()
    {
        Assert.Equal("how-buildsh-starts-fast", Anchor("How `./build.sh` starts fast"));
        Assert.Equal("the-infrastructure-a-plan-people-can-read-and-apply-of-exactly-that-plan", Anchor("The infrastructure: a plan people can read, and apply of exactly that plan"));
        Assert.Equal(new HashSet<string> { "setup", "setup-1" }, Anchors("## Setup\ntext\n```\n# not a heading\n```\n### Setup\n"));
    }

    [GeneratedRegex(@"[^\p{L}\p{Nd}_\- ]")]
    private static partial Regex NotInAnchor();

    [GeneratedRegex(@"^#{1,6} (.+?)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[[^\]]*\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
