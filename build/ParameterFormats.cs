using BuildEngine.Parameters;

namespace Pipeline;

// The formats of the pipeline's identifiers, named once: a value that does not fit is refused with the parameter's
// name and these words before anything runs. Environment and project names become file names, SSM paths and tags.

sealed class EnvironmentNameAttribute() : PatternAttribute(@"^[a-z][a-z0-9-]{0,30}$",
    "an environment name: a lower-case letter, then at most 30 lower-case letters, digits or '-' (dev, staging, prod)");

sealed class ProjectNameAttribute() : PatternAttribute(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$",
    "a project name: 1 to 63 letters, digits, '_' or '-', starting with a letter or digit");

sealed class BranchNameAttribute() : PatternAttribute(@"^(?![-/.])(?!.*(?:\.\.|//|@\{))[^\s~^:?*\[\\]{1,255}(?<![/.])$",
    "a git branch name such as main (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')");

sealed class AwsRegionAttribute() : PatternAttribute(@"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$",
    "an AWS region such as eu-west-1");

sealed class AmiIdAttribute() : PatternAttribute(@"^ami-[0-9a-f]{8,17}$",
    "an AMI id such as ami-0123456789abcdef0");

sealed class VpcIdAttribute() : PatternAttribute(@"^vpc-[0-9a-f]{8,17}$", "a VPC id such as vpc-0123456789abcdef0");

sealed class SubnetIdAttribute() : PatternAttribute(@"^subnet-[0-9a-f]{8,17}$", "a subnet id such as subnet-0123456789abcdef0");

sealed class InstanceTypeAttribute() : PatternAttribute(@"^[a-z0-9-]{1,20}\.[a-z0-9-]{1,20}$",
    "an EC2 instance type such as t3.micro");

sealed class ImageNameAttribute() : PatternAttribute(@"^[A-Za-z0-9()./'@_-]{3,100}$",
    "3 to 100 of the characters an AMI name allows: letters, digits, ( ) . / ' @ _ -");

sealed class GitHubRepositoryAttribute() : PatternAttribute(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$",
    "a GitHub repository as owner/name");

sealed class SlackChannelAttribute() : PatternAttribute(@"^#?[A-Za-z0-9._-]{1,80}$", "a Slack channel id such as C0123456789");

sealed class HostAttribute() : PatternAttribute(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45})$",
    "a host name, an IPv4 or an IPv6 address");

sealed class UserNameAttribute() : PatternAttribute(@"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$",
    "a user name: a letter or '_', then at most 31 letters, digits, '_', '.' or '-'");

sealed class KeyValueAttribute() : PatternAttribute(@"^[A-Za-z_][A-Za-z0-9_]*=.*$", "key=value with a variable name as key");

sealed class RoleArnAttribute() : PatternAttribute(@"^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$",
    "an IAM role ARN such as arn:aws:iam::123456789012:role/deploy-dev");

sealed class RoleSessionNameAttribute() : PatternAttribute(@"^[A-Za-z0-9_+=,.@-]{2,64}$", "2 to 64 of A-Z a-z 0-9 _ + = , . @ -");

sealed class PipelineNumberAttribute() : PatternAttribute(@"^[0-9]{1,12}$", "a CircleCI pipeline number such as 1234");

sealed class GitHubAppIdAttribute() : PatternAttribute(@"^(?:[0-9]{1,12}|Iv[0-9A-Za-z.]{4,40})$",
    "a GitHub App id such as 123456, or its client id such as Iv23li0123456789abcd");

sealed class S3BucketAttribute() : PatternAttribute(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name: 3 to 63 lower-case letters, digits, '.' or '-'");

sealed class KmsKeyAttribute() : PatternAttribute(
    @"^(?:(?:arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:)?(?:key/)?(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|(?:arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:)?alias/[A-Za-z0-9/_-]{1,250})$",
    "a KMS key id, key ARN or alias (alias/plans)");

sealed class LockIdAttribute() : PatternAttribute(@"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    "a Terraform lock ID as StateLock shows it (a UUID such as 4f0e3c1a-…)");

sealed class ReasonAttribute() : PatternAttribute(@"^\S.{2,499}$", "a reason of 3 to 500 characters on one line");
