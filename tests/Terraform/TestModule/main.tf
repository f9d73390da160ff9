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

resource "terraform_data" "address" {
  input = "127.0.0.${length(var.environment)}"
}
