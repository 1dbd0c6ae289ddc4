#!/usr/bin/env bash
# HDFS of docker-compose.yml: the NameNode or a DataNode of local-stack/hdfs's classpath, with the
# JVM flags scripts/stack.sh gives them. The NameNode formats its folder on the first start (an
# empty volume). Exec'd, so the JVM gets Docker's SIGTERM.
#   hdfs-daemon.sh namenode | datanode
set -euo pipefail
# the web apps' empty folders first, then the config (core-site.xml, hdfs-site.xml, log4j.properties)
classpath="/opt/hadoop/webapps-root:$HADOOP_CONF_DIR:/opt/hadoop/lib/*"
# HDFS_HEAP_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2206
command=(java ${HDFS_HEAP_OPTS:--Xmx512m} --add-opens=java.base/java.lang=ALL-UNNAMED -Dhadoop.log.dir=/tmp
  -Dlog4j.configuration="file:$HADOOP_CONF_DIR/log4j.properties" -cp "$classpath")
case "${1:-}" in
  namenode)
    name_dir=/data/namenode
    if [[ ! -d "$name_dir/current" ]]; then
      echo "namenode: formatting $name_dir (first start)"
      "${command[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode -format -force -nonInteractive
    fi
    main=org.apache.hadoop.hdfs.server.namenode.NameNode ;;
  datanode) main=org.apache.hadoop.hdfs.server.datanode.DataNode ;;
  *) echo "usage: hdfs-daemon.sh namenode|datanode" >&2; exit 2 ;;
esac
exec "${command[@]}" "$main"
