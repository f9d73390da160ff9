output "instance_id" {
  description = "EC2 instance id (AnsibleConfigure waits for its status checks)."
  value       = aws_instance.web.id
}

output "public_ip" {
  description = "Public IP address Ansible connects to."
  value       = aws_instance.web.public_ip
}

output "public_dns" {
  description = "Public DNS name of the instance."
  value       = aws_instance.web.public_dns
}

output "url" {
  description = "Where the web server answers; SmokeTest reads <url>version.txt."
  value       = "http://${aws_instance.web.public_dns != "" ? aws_instance.web.public_dns : aws_instance.web.public_ip}/"
}

output "ssh_user" {
  description = "User Ansible connects as."
  value       = var.ssh_user
}

output "ami_id" {
  description = "AMI the instance runs."
  value       = aws_instance.web.ami
}
