# Plugin requirements, in a file of their own: Packer 1.6.x predates plugin management (`packer init`,
# `required_plugins`), so the pipeline leaves this file out when it runs an older Packer.
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    amazon = {
      version = "= 1.3.3"
      source  = "github.com/hashicorp/amazon"
    }
  }
}
