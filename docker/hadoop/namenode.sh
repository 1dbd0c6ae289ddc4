#!/usr/bin/env bash
# NameNode of docker-compose.yml: formats the name folder on the first start (empty volume),
# then runs in the foreground. The folder is dfs.namenode.name.dir of docker/hadoop/hdfs-site.xml.
set -euo pipefail
name_dir=/data/namenode
if [[ ! -d "$name_dir/current" ]]; then
  echo "namenode: formatting $name_dir (first start)"
  hdfs namenode -format -force -nonInteractive
fi
exec hdfs namenode
