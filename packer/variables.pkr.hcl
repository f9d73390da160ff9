variable "region" {
  type        = string
  description = "AWS region to build the image in."
}

variable "instance_type" {
  type        = string
  default     = "t3.micro"
  description = "Instance type of the temporary build instance."
}

variable "image_name_prefix" {
  type        = string
  default     = "gitops-web"
  description = "Prefix of the AMI name; the inputs hash and a timestamp complete it."
}

variable "project" {
  type        = string
  default     = "gitops-demo"
  description = "Pipeline that owns the image (a tag, used to find and prune its images)."
}

variable "git_commit" {
  type        = string
  default     = "unknown"
  description = "Commit the image was built from (a tag)."
}

variable "inputs_hash" {
  type        = string
  default     = "unknown"
  description = "SHA-256 of everything that goes into the image (a tag; a later build with the same hash is skipped)."
}

variable "vpc_id" {
  type        = string
  default     = ""
  description = "VPC for the build instance; empty uses the default VPC."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet for the build instance; empty lets EC2 choose."
}

variable "manifest_path" {
  type        = string
  default     = "packer-manifest.json"
  description = "Where the manifest post-processor writes the artifact list."
}
