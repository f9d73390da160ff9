locals {
  build_time = timestamp()
  image_tags = {
    Name       = var.image_name_prefix
    Project    = var.project
    GitCommit  = var.git_commit
    InputsHash = var.inputs_hash
    BuildTime  = local.build_time
  }
}

source "amazon-ebs" "ubuntu" {
  region        = var.region
  instance_type = var.instance_type
  ami_name      = "${var.image_name_prefix}-${substr(var.inputs_hash, 0, 12)}-${formatdate("YYYYMMDDhhmmss", local.build_time)}"
  ssh_username  = "ubuntu"
  vpc_id        = var.vpc_id
  subnet_id     = var.subnet_id

  source_ami_filter {
    owners      = ["099720109477"] # Canonical
    most_recent = true
    filters = {
      name                = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
  }

  # Waiting for the AMI (minutes, over 30 for large volumes) prints nothing; up to 60 minutes here, inside
  # PackerBuild's MaxDuration of 90 (build/Build.cs), which also sets the CircleCI job's no_output_timeout.
  aws_polling {
    delay_seconds = 15
    max_attempts  = 240
  }

  tags          = local.image_tags
  snapshot_tags = local.image_tags
  run_tags      = { Name = "packer-build-${var.image_name_prefix}", Project = var.project }
}

build {
  sources = ["source.amazon-ebs.ubuntu"]

  # The instance is still booting when SSH first answers; apt must not race cloud-init.
  provisioner "shell" {
    inline = ["cloud-init status --wait"]
  }

  provisioner "shell" {
    script          = "${path.root}/scripts/base.sh"
    execute_command = "sudo -E bash '{{ .Path }}'"
  }

  post-processor "manifest" {
    output     = var.manifest_path
    strip_path = true
    custom_data = {
      inputs_hash = var.inputs_hash
      git_commit  = var.git_commit
    }
  }
}
