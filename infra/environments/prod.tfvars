region            = "eu-west-1"
environment       = "prod"
instance_type     = "t3.small"
ssh_allowed_cidrs = ["198.51.100.0/24"]
ssh_public_key    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0b29sY2hhaW4tcHJvZC1kZXBsb3kta2V5LXB1YmxpYw deploy@prod"
