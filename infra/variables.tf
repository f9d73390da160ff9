variable "region" {
  type        = string
  description = "AWS region to deploy into."
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod): tags and names."
}

variable "project" {
  type        = string
  default     = "gitops-demo"
  description = "Project name; the AMI is read from the SSM parameter /<project>/<environment>/ami-id."
}

variable "commit" {
  type        = string
  default     = "unknown"
  description = "Commit the plan was made for (a tag)."
}

variable "ami_id" {
  type        = string
  default     = ""
  description = "AMI to deploy (set by the pipeline); empty deploys the image last verified here (SSM /<project>/<environment>/ami-id)."

  validation {
    condition     = var.ami_id == "" || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must be empty or an AMI id such as ami-0123456789abcdef0."
  }
}

variable "instance_type" {
  type        = string
  default     = "t3.micro"
  description = "Instance type of the web server."
}

variable "ssh_public_key" {
  type        = string
  description = "Public key installed for the SSH user (the key pair Ansible connects with)."
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDRs allowed to reach SSH; empty closes SSH to everyone."

  validation {
    condition     = alltrue([for cidr in var.ssh_allowed_cidrs : can(cidrhost(cidr, 0))])
    error_message = "Every entry of ssh_allowed_cidrs must be a CIDR block such as 203.0.113.0/24."
  }
}

variable "ssh_user" {
  type        = string
  default     = "ubuntu"
  description = "User Ansible connects as (Ubuntu images: ubuntu)."
}

variable "root_volume_size" {
  type        = number
  default     = 10
  description = "Root volume size in GiB."
}
