provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      Commit      = var.commit
      ManagedBy   = "terraform"
    }
  }
}

# The AMI to deploy is always an exact ID, never "the newest image named like …": the one this commit's pipeline
# hands over (var.ami_id: PackerBuild's image on main, Rollback's choice), else the image last verified in this
# environment (its SSM parameter, set only after SmokeTest passed): what pull-request plans use.
data "aws_ssm_parameter" "ami" {
  count = var.ami_id == "" ? 1 : 0
  name  = "/${var.project}/${var.environment}/ami-id"
}

locals {
  ami_id = var.ami_id != "" ? var.ami_id : nonsensitive(data.aws_ssm_parameter.ami[0].value)
}

resource "aws_key_pair" "deploy" {
  key_name   = "${var.project}-${var.environment}"
  public_key = var.ssh_public_key
}

resource "aws_security_group" "web" {
  name        = "${var.project}-${var.environment}-web"
  description = "HTTP from anywhere; SSH only from the allowed CIDRs"
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = toset(var.ssh_allowed_cidrs)

  security_group_id = aws_security_group.web.id
  description       = "SSH from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.web.id
  description       = "All outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "web" {
  ami                    = local.ami_id
  instance_type          = var.instance_type
  key_name               = aws_key_pair.deploy.key_name
  vpc_security_group_ids = [aws_security_group.web.id]

  metadata_options {
    http_tokens   = "required" # IMDSv2 only
    http_endpoint = "enabled"
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = var.root_volume_size
  }

  tags = {
    Name = "${var.project}-${var.environment}-web"
  }
}
