region            = "eu-west-1"
environment       = "prod"
instance_type     = "t3.small"
ssh_allowed_cidrs = ["198.51.100.0/24"]
ssh_public_key    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINIOnUYXK0y/Es0fXDQiK+2AdQUT6sRC9foYuKb4+D2I deploy@prod"
