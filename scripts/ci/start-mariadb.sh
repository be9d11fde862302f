#!/usr/bin/env bash
# Starts the local MariaDB that the integration tests use (installing it if missing) and creates
# the test user. Idempotent: a running server is left as it is.
set -euo pipefail

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
fi

if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
  install -d -o mysql -g mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  # Started directly: containers here have no init system to ask.
  nohup /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock \
    --bind-address=127.0.0.1 --port=3306 --max-connections=500 >/tmp/mariadb.log 2>&1 &
  for _ in $(seq 1 60); do
    mariadb-admin --protocol=socket ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --protocol=socket ping >/dev/null 2>&1 || { cat /tmp/mariadb.log; exit 1; }
fi

# The test user may create and drop its own databases, named taskmanager_test*.
mariadb --protocol=socket <<'SQL'
CREATE USER IF NOT EXISTS 'taskmanager'@'127.0.0.1' IDENTIFIED BY 'taskmanager-test';
CREATE USER IF NOT EXISTS 'taskmanager'@'localhost' IDENTIFIED BY 'taskmanager-test';
GRANT ALL PRIVILEGES ON `taskmanager\_test%`.* TO 'taskmanager'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `taskmanager\_test%`.* TO 'taskmanager'@'localhost';
CREATE DATABASE IF NOT EXISTS taskmanager_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
echo "MariaDB $(mariadb --protocol=socket -N -e 'select version()') is up on 127.0.0.1:3306"
