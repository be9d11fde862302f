#!/usr/bin/env bash
# Starts a MariaDB primary (127.0.0.1:3307) and a replica of it (127.0.0.1:3308) with GTID
# replication, for the tests of reads from a replica (DATABASE_READ_URL). Two servers of their
# own under /var/lib/cloudedu-mariadb-repl, beside the one of start-mariadb.sh on :3306, which is
# left alone. Idempotent: running servers are kept, a configured replica is not reconfigured.
# The replica is read-only for the application user and counts reads per table (userstat), so a
# test can see which server answered. Prints the URLs the tests read.
set -euo pipefail

base=/var/lib/cloudedu-mariadb-repl
run=/run/cloudedu-mariadb-repl
user=taskmanager
password=taskmanager-test
# The tests' own user for what the application must never do: stopping replication, counters.
admin=repl_admin
admin_password=repl-admin-test

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
fi
install -d -o mysql -g mysql "$base" "$run"

sql() { # name, then SQL on stdin
  mariadb --protocol=socket --socket="$run/$1.sock" -N
}

start() { # name port server-id extra-options...
  local name=$1 port=$2 id=$3
  shift 3
  if mariadb-admin --protocol=socket --socket="$run/$name.sock" ping >/dev/null 2>&1; then
    return
  fi
  if [ ! -d "$base/$name/mysql" ]; then
    mariadb-install-db --user=mysql --datadir="$base/$name" >/dev/null
  fi
  # Started directly: containers here have no init system to ask. Small buffers: the machine is
  # shared with the server on :3306 and the test processes.
  nohup /usr/sbin/mariadbd --user=mysql --datadir="$base/$name" --socket="$run/$name.sock" \
    --pid-file="$run/$name.pid" --bind-address=127.0.0.1 --port="$port" --server-id="$id" \
    --log-bin="$base/$name/binlog" --binlog-format=ROW --log-slave-updates=ON \
    --innodb-buffer-pool-size=64M --performance-schema=OFF --max-connections=300 \
    --skip-name-resolve "$@" >"$base/$name.log" 2>&1 &
  for _ in $(seq 1 60); do
    mariadb-admin --protocol=socket --socket="$run/$name.sock" ping >/dev/null 2>&1 && return
    sleep 0.5
  done
  cat "$base/$name.log"
  exit 1
}

start primary 3307 1
start replica 3308 2 --read-only=ON --userstat=ON

# Users are created on the primary only: the replica gets them through replication.
if [ "$(sql primary <<<"select count(*) from mysql.user where user = '$admin'")" = 0 ]; then
  sql primary <<SQL
CREATE USER IF NOT EXISTS 'replicator'@'127.0.0.1' IDENTIFIED BY 'replicator-test';
GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'127.0.0.1';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`taskmanager\_test%\`.* TO '$user'@'127.0.0.1';
CREATE USER IF NOT EXISTS '$admin'@'127.0.0.1' IDENTIFIED BY '$admin_password';
GRANT ALL PRIVILEGES ON *.* TO '$admin'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS taskmanager_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
fi

# From the primary's first transaction on (both servers started empty), by GTID.
if [ -z "$(sql replica <<<"show slave status")" ]; then
  sql replica <<SQL
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3307, MASTER_USER='replicator',
  MASTER_PASSWORD='replicator-test', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
fi
sql replica <<<"START SLAVE" 2>/dev/null || true

for _ in $(seq 1 60); do
  if [ "$(sql replica <<<"select count(*) from mysql.user where user = '$admin'")" = 1 ]; then
    break
  fi
  sleep 0.5
done
state=$(mariadb --protocol=socket --socket="$run/replica.sock" -e 'show slave status\G' |
  grep -E 'Slave_(IO|SQL)_Running:' | tr -s ' ' | tr '\n' ' ')
case "$state" in
  *"Slave_IO_Running: Yes"*"Slave_SQL_Running: Yes"*) ;;
  *) echo "replication is not running: $state" >&2; exit 1 ;;
esac

echo "MariaDB primary on 127.0.0.1:3307, replica on 127.0.0.1:3308 ($state)"
echo "TEST_MYSQL_PRIMARY_URL=mysql://$user:$password@127.0.0.1:3307/taskmanager_test"
echo "TEST_MYSQL_REPLICA_URL=mysql://$user:$password@127.0.0.1:3308/taskmanager_test"
echo "TEST_MYSQL_REPLICA_ADMIN_URL=mysql://$admin:$admin_password@127.0.0.1:3308/taskmanager_test"
