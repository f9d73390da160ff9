using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// Runs the rules over a plan JSON in one streaming pass (only watched resources' values are kept, one resource at a
/// time), applies the waivers, and fails closed when a plan that creates or changes something met no rule at all.
/// </summary>
public sealed class PolicyEvaluation(IReadOnlyList<IPolicyRule> rules, PolicyContext context, IReadOnlyList<PolicyWaiver> waivers, DateOnly today)
{
    public PolicyReport Evaluate(string planJson, string? planSha256 = null)
    {
        var evaluated = rules.ToDictionary(r => r.Id, _ => 0);
        var found = rules.ToDictionary(r => r.Id, _ => new List<(string Address, string Reason)>());
        var sink = new PlannedResourceSink(type => rules.Any(r => r.Watches(type)), resource =>
        {
            if (!resource.WillExist) return;
            foreach (var rule in rules.Where(r => r.AppliesTo(resource)))
            {
                evaluated[rule.Id]++;
                found[rule.Id].AddRange(rule.Check(resource, context).Select(reason => (resource.Address, reason)));
            }
        });
        var summary = PlanReader.Read(planJson, sink);

        var used = new HashSet<PolicyWaiver>();
        PolicyViolation Judge(string rule, string address, string reason)
        {
            var covering = waivers.Where(w => w.Covers(rule, address, context.Environment)).ToList();
            var waiver = covering.FirstOrDefault(w => !w.HasExpired(today)) ?? covering.FirstOrDefault();
            if (waiver is not null) used.Add(waiver);
            return new PolicyViolation(rule, address, reason, waiver, waiver?.HasExpired(today) ?? false);
        }

        var results = rules.Select(r => new RuleResult(r.Id, r.Description, evaluated[r.Id],
            [.. found[r.Id].Select(f => Judge(r.Id, f.Address, f.Reason))])).ToList();
        var planViolations = new List<PolicyViolation>();
        var changed = summary.Count(PlanAction.Create) + summary.Count(PlanAction.Update) + summary.Count(PlanAction.Replace);
        if (results.Sum(r => r.Evaluated) == 0 && changed > 0)
        {
            var examples = summary[PlanAction.Create].Concat(summary[PlanAction.Update]).Concat(summary[PlanAction.Replace]).Take(3);
            planViolations.Add(Judge(PolicyRules.CoverageRuleId, PolicyRules.WholePlan,
                $"no policy evaluated anything: the plan creates or changes {changed} resource{(changed == 1 ? "" : "s")} ({string.Join(", ", examples)}{(changed > 3 ? ", …" : "")}) and no rule applies to any of them"));
        }
        var unused = waivers.Where(w => !used.Contains(w) && (w.Environment is null || w.Environment == context.Environment)).ToList();
        return new PolicyReport(context.Environment, planSha256, summary.HasChanges, results, planViolations, unused);
    }

    /// <summary>Every name a waiver may use: the rules' and the plan-level coverage rule.</summary>
    public static IReadOnlyCollection<string> WaivableRuleIds(IReadOnlyList<IPolicyRule> rules) => [.. rules.Select(r => r.Id), PolicyRules.CoverageRuleId];
}
