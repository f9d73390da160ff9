terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.82"
    }
  }

  # Partial configuration: bucket, key, region and lock table come from environments/<env>.s3.tfbackend.
  backend "s3" {}
}
