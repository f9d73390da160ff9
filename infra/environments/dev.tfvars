region            = "eu-west-1"
environment       = "dev"
instance_type     = "t3.micro"
ssh_allowed_cidrs = ["203.0.113.0/24"]
ssh_public_key    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0b29sY2hhaW4tZGV2LWRlcGxveS1rZXktcHVibGlj deploy@dev"
