#!/usr/bin/env python3
"""Writes a realistic `terraform show -json` plan with N resource changes (default 100,000), streaming, so the file
can be hundreds of megabytes without this script holding it in memory. A third argument, comma-separated:
"tagged" adds the tags the policy rules require; "compact" gives each change small before/after values (about 80 MB
for 100,000 changes instead of 337 MB), where a reader's fixed costs weigh more than its speed on long values."""
import json
import random
import sys

count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
path = sys.argv[1]
# "tagged": every resource also carries the tags the policy rules require (tags_all, as default_tags give them).
flags = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else set()
tagged = "tagged" in flags
compact = "compact" in flags
random.seed(42)
actions = [["create"]] * 40 + [["update"]] * 25 + [["no-op"]] * 25 + [["delete"]] * 4 + [["delete", "create"]] * 3 + [["create", "delete"]] * 1 + [["read"]] * 2

def attributes(i):
    if compact:
        return {
            "ami": f"ami-{i:017x}",
            "instance_type": "t3.micro",
            "tags": {"Name": f"web-{i}"},
            "root_block_device": [{"encrypted": True}],
            "subnet_id": f"subnet-{i % 6:08x}",
            "availability_zone": "eu-west-1a",
            "vpc_security_group_ids": [f"sg-{(i * 7) % 99999:08x}", f"sg-{(i * 13) % 99999:08x}"],
            "monitoring": False,
            "key_name": "deploy",
            **({"tags_all": {"Name": f"web-{i}", "Project": "bench", "Environment": "bench", "ManagedBy": "terraform"}} if tagged else {}),
        }
    return {
        "ami": f"ami-{i:017x}",
        "instance_type": "t3.micro",
        "tags": {"Name": f"web-{i}", "Environment": "bench", "Owner": "platform-team", "CostCenter": str(1000 + i % 97)},
        "user_data": "#!/bin/bash\n" + "echo configuring\n" * 20,
        "root_block_device": [{"volume_size": 10, "volume_type": "gp3", "encrypted": True, "iops": 3000, "throughput": 125}],
        "vpc_security_group_ids": [f"sg-{(i * 7) % 99999:08x}", f"sg-{(i * 13) % 99999:08x}"],
        "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1}],
        "description": "x" * 1200,
        **({"tags_all": {"Name": f"web-{i}", "Project": "bench", "Environment": "bench", "ManagedBy": "terraform"}} if tagged else {}),
    }

with open(path, "w") as out:
    out.write('{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{}},"resource_changes":[')
    for i in range(count):
        action = random.choice(actions)
        change = {
            "address": f"module.fleet[{i % 50}].aws_instance.web[{i}]",
            "module_address": f"module.fleet[{i % 50}]",
            "mode": "data" if action == ["read"] else "managed",
            "type": "aws_instance",
            "name": "web",
            "index": i,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": action,
                "before": None if action == ["create"] else attributes(i),
                "after": None if action == ["delete"] else attributes(i + 1),
                "after_unknown": {"id": True, "arn": True},
                "before_sensitive": {"user_data": True},
                "after_sensitive": {"user_data": True},
            },
        }
        if i:
            out.write(",")
        out.write(json.dumps(change, separators=(",", ":")))
    out.write('],"configuration":{"root_module":{}}}\n')
