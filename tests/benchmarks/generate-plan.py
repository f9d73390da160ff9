#!/usr/bin/env python3
"""Writes a realistic `terraform show -json` plan with N resource changes (default 100,000; "tagged" as a third
argument adds the tags the policy rules require), streaming,
so the file can be hundreds of megabytes without this script holding it in memory."""
import json
import random
import sys

count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
path = sys.argv[1]
# "tagged": every resource also carries the tags the policy rules require (tags_all, as default_tags give them).
tagged = len(sys.argv) > 3 and sys.argv[3] == "tagged"
random.seed(42)
actions = [["create"]] * 40 + [["update"]] * 25 + [["no-op"]] * 25 + [["delete"]] * 4 + [["delete", "create"]] * 3 + [["create", "delete"]] * 1 + [["read"]] * 2

def attributes(i):
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
