output "instance_id" {
  description = "Stands in for the EC2 instance id."
  value       = "i-${substr(replace(terraform_data.web.id, "-", ""), 0, 17)}"
}

output "public_ip" {
  description = "Address Ansible connects to."
  value       = terraform_data.address.output
}

output "public_dns" {
  description = "Stands in for the public DNS name."
  value       = "localhost"
}

output "ssh_user" {
  description = "User Ansible connects as."
  value       = var.ssh_user
}

output "ami_id" {
  description = "The AMI the plan deployed (infra/ falls back to the verified image in SSM, which this module cannot read)."
  value       = terraform_data.image.output
}

output "url" {
  description = "Stands in for the web server's address."
  value       = "http://${terraform_data.address.output}/"
}

output "admin_password" {
  description = "A sensitive output: masked from the moment it is read."
  value       = var.admin_password
  sensitive   = true
}
