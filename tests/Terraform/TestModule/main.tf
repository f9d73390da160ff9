# A sensitive value that flows into a resource attribute: when the resource changes, Terraform prints the prior
# value of `output` in clear in the plan text (hashicorp/terraform#35609). The pipeline must mask it.
variable "admin_password" {
  type      = string
  sensitive = true
  default   = "Adm1n-Pa55word-from-tfvars"
}

resource "terraform_data" "web" {
  input = {
    name          = "${var.project}-${var.environment}-web"
    instance_type = var.instance_type
    commit        = var.commit
    password      = var.admin_password
  }

  # TEST_APPLY_SLEEP (seconds) keeps an apply running, holding the state lock, for the concurrency tests.
  provisioner "local-exec" {
    command = "sleep $${TEST_APPLY_SLEEP:-0}"
  }
}

# Replaced when the AMI changes, as infra/'s instance is.
resource "terraform_data" "image" {
  input            = var.ami_id != "" ? var.ami_id : "ami-0000000000000000e"
  triggers_replace = var.ami_id
}

resource "terraform_data" "address" {
  input = "127.0.0.${length(var.environment)}"
}

# Provisioners run when a resource is created. The concurrency tests set TF_VAR_apply_delay_trigger to a new value
# in each plan, so every apply replaces this resource and its sleep keeps the apply (and the lock) busy.
variable "apply_delay_trigger" {
  type    = string
  default = ""
}

resource "terraform_data" "apply_delay" {
  triggers_replace = var.apply_delay_trigger

  provisioner "local-exec" {
    command = "sleep $${TEST_APPLY_SLEEP:-0}"
  }
}
