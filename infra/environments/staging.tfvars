region            = "eu-west-1"
environment       = "staging"
instance_type     = "t3.small"
ssh_allowed_cidrs = ["203.0.113.0/24"]
ssh_public_key    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICAVNq9OPK6SDUDiWpXAp05gWxpjFCXoPhTrv8s+ebKX deploy@staging"
