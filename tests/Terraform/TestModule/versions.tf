# The test stand-in for infra/: the same variables (infra/variables.tf is kept beside it) and the same outputs, made
# of built-in terraform_data resources so the real Terraform runs offline. Its state lives in the S3 backend with
# DynamoDB locking, exactly as infra/environments/<env>.s3.tfbackend configures it (on moto in the tests).
terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  backend "s3" {}
}
