#!/usr/bin/env bash
# Baked into the image: what the Ansible roles need, so configuration at deploy time is quick and offline-safe.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update -q
apt-get upgrade -y -q
apt-get install -y -q --no-install-recommends python3 python3-apt nginx unattended-upgrades ca-certificates
systemctl disable --now nginx   # the web role enables it with the site configured
apt-get clean
rm -rf /var/lib/apt/lists/*
# A fresh machine-id and host keys on every instance started from this image.
truncate -s 0 /etc/machine-id
rm -f /etc/ssh/ssh_host_*
