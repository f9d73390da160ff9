#!/usr/bin/env python3
"""Seeds and inspects a moto_server for the tests, with boto3 (the real AWS client):
  moto-state.py <endpoint> <region> backend <bucket> <table>   create the state bucket and the lock table
  moto-state.py <endpoint> <region> locks <table>              print the table's items as JSON lines
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
else:
    sys.exit(f"moto-state.py: unknown command {command}")
