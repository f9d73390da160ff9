#!/usr/bin/env python3
"""Seeds and inspects a moto_server for the tests, with boto3 (the real AWS client):
  moto-state.py <endpoint> <region> backend <bucket> <table>   create the state bucket and the lock table
  moto-state.py <endpoint> <region> locks <table>              print the table's items as JSON lines
  moto-state.py <endpoint> <region> objects <bucket>            print the bucket's object keys, one a line
  moto-state.py <endpoint> <region> ec2                         print instances (id, state), security groups and key pairs as JSON
  moto-state.py <endpoint> <region> instance                    run an instance, print its id
  moto-state.py <endpoint> <region> image <name> <tags-json>    create an AMI (with a snapshot) from a new instance, print its id
  moto-state.py <endpoint> <region> images                      print this account's AMI ids, one a line
  moto-state.py <endpoint> <region> snapshots                   print this account's snapshot ids, one a line
  moto-state.py <endpoint> <region> parameter <name>            print the parameter as JSON (Value, Version, DataType, Description)
  moto-state.py <endpoint> <region> put-parameter <name> <value> [description]  write an aws:ec2:image parameter
  moto-state.py <endpoint> <region> open-ingress <group-name> <port> <cidr>  add a TCP ingress rule to the group
  moto-state.py <endpoint> <region> tag <resource-id> <key> <value>  set a tag on an EC2 resource
  moto-state.py <endpoint> <region> object <bucket> <key>       print the object's encryption, KMS key and metadata as JSON
  moto-state.py <endpoint> <region> append-object <bucket> <key> <text>  rewrite the object with text appended (same encryption)
  moto-state.py <endpoint> <region> kms-key                     create a KMS key, print its id
"""
import json
import sys

import boto3

endpoint, region, command, *args = sys.argv[1:]
options = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")

if command == "backend":
    bucket, table = args
    boto3.client("s3", **options).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    boto3.client("dynamodb", **options).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
elif command == "locks":
    (table,) = args
    for item in boto3.client("dynamodb", **options).scan(TableName=table)["Items"]:
        print(json.dumps({key: list(value.values())[0] for key, value in item.items()}))
elif command == "objects":
    (bucket,) = args
    for item in boto3.client("s3", **options).list_objects_v2(Bucket=bucket).get("Contents", []):
        print(item["Key"])
elif command == "ec2":
    ec2 = boto3.client("ec2", **options)
    instances = [{"id": i["InstanceId"], "state": i["State"]["Name"]}
                 for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    groups = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    keys = [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]]
    print(json.dumps({"instances": instances, "groups": groups, "keys": keys}))
elif command in ("instance", "image"):
    ec2 = boto3.client("ec2", **options)
    source = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=source, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    if command == "instance":
        print(instance)
    else:
        name, tags = args
        tag_list = [{"Key": key, "Value": value} for key, value in json.loads(tags).items()]
        print(ec2.create_image(InstanceId=instance, Name=name, TagSpecifications=[{"ResourceType": "image", "Tags": tag_list}])["ImageId"])
elif command == "images":
    for image in boto3.client("ec2", **options).describe_images(Owners=["self"])["Images"]:
        print(image["ImageId"])
elif command == "snapshots":
    for snapshot in boto3.client("ec2", **options).describe_snapshots(OwnerIds=["self"])["Snapshots"]:
        print(snapshot["SnapshotId"])
elif command == "parameter":
    (name,) = args
    parameter = boto3.client("ssm", **options).get_parameter(Name=name)["Parameter"]
    history = boto3.client("ssm", **options).get_parameter_history(Name=name)["Parameters"]
    print(json.dumps({"Value": parameter["Value"], "Version": parameter["Version"], "DataType": parameter.get("DataType"),
                      "Description": history[-1].get("Description", "")}))
elif command == "put-parameter":
    name, value, *description = args
    extra = {"Description": description[0]} if description else {}
    boto3.client("ssm", **options).put_parameter(Name=name, Value=value, Type="String", DataType="aws:ec2:image", Overwrite=True, **extra)
elif command == "open-ingress":
    name, port, cidr = args
    ec2 = boto3.client("ec2", **options)
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": int(port), "ToPort": int(port), "IpRanges": [{"CidrIp": cidr}]}])
elif command == "tag":
    resource, key, value = args
    boto3.client("ec2", **options).create_tags(Resources=[resource], Tags=[{"Key": key, "Value": value}])
elif command == "object":
    bucket, key = args
    head = boto3.client("s3", **options).head_object(Bucket=bucket, Key=key)
    print(json.dumps({"Encryption": head.get("ServerSideEncryption"), "KmsKeyId": head.get("SSEKMSKeyId"), "Metadata": head.get("Metadata", {})}))
elif command == "append-object":
    bucket, key, text = args
    s3 = boto3.client("s3", **options)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read() + text.encode()
    s3.put_object(Bucket=bucket, Key=key, Body=body, ServerSideEncryption="aws:kms")
elif command == "kms-key":
    print(boto3.client("kms", **options).create_key(Description="plans")["KeyMetadata"]["KeyId"])
else:
    sys.exit(f"moto-state.py: unknown command {command}")
