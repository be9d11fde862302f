#!/usr/bin/env bash
# Builds localhost/cloudedu-mariadb-standin:<Debian mariadb-server version>, a stand-in for the
# official `mysql` image (which no registry here serves) from Debian's mariadb-server. It honours
# the environment contract the chart uses for the official image:
#   MYSQL_ROOT_PASSWORD[_FILE], MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD[_FILE]: on an empty
#   /var/lib/mysql the entry point initialises it (root@'%' with that password, the database, the
#   account with all rights on it), like the official image's docker-entrypoint.sh;
#   data in /var/lib/mysql, config from /etc/mysql/conf.d/*.cnf, socket in /var/run/mysqld,
#   `mysql`, `mysqladmin` on PATH; any non-root UID (the chart's runAsUser) on a read-only root
#   filesystem (writes only to the mounted data, socket and /tmp volumes).
# Like mysqld --initialize it refuses a data directory that has files but no `mysql` schema
# ("data directory has files in it"), so the seed's dirty-volume CrashLoopBackOff is reproducible.
#
# Idempotent: nothing to do when the image of the current package version exists. Prints the image.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

REPO="${MARIADB_STANDIN_REPO:-localhost/cloudedu-mariadb-standin}"
IMAGE="$REPO:$(package_tag mariadb-server)"
exec 9>/tmp/cloudedu-mariadb-standin.lock
flock 9
if podman image exists "$IMAGE"; then
  log "$IMAGE exists; nothing to do"
  printf '%s\n' "$IMAGE"
  exit 0
fi

WORK="$(mktemp -d /tmp/mariadb-standin.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
log "building $IMAGE from Debian $DEBIAN_SUITE ($DEBIAN_MIRROR)"
debian_rootfs "$ROOTFS" mariadb-server mariadb-client
# shellcheck disable=SC2016 # a dpkg-query format, not a shell expression
installed="$(chroot "$ROOTFS" dpkg-query -W -f '${Version}' mariadb-server)"
[[ ${IMAGE##*:} == "$(printf '%s' "${installed#*:}" | tr -c 'A-Za-z0-9._\n-' -)" ]] ||
  die "installed mariadb-server $installed, not the host's candidate ${IMAGE##*:} (apt-get update?)"

# The official image's layout: one my.cnf that includes conf.d (the chart mounts cloudedu.cnf
# there); Debian's own server defaults (bind-address=127.0.0.1, user=mysql) are left out.
rm -rf "$ROOTFS/etc/mysql"
mkdir -p "$ROOTFS/etc/mysql/conf.d"
cat >"$ROOTFS/etc/mysql/my.cnf" <<'EOF'
[mysqld]
datadir=/var/lib/mysql
socket=/var/run/mysqld/mysqld.sock
pid-file=/var/run/mysqld/mysqld.pid
bind-address=0.0.0.0
secure-file-priv=/var/lib/mysql-files
character-set-server=utf8mb4
[client]
socket=/var/run/mysqld/mysqld.sock
!includedir /etc/mysql/conf.d/
EOF
ln -s mysql/my.cnf "$ROOTFS/etc/my.cnf"
# Any UID may own these when they are volumes; without volumes (podman run) they are world-writable.
# The package's postinst initialised a datadir at build time: the image ships none.
rm -rf "$ROOTFS/var/lib/mysql"
mkdir -p "$ROOTFS/var/lib/mysql" "$ROOTFS/var/run/mysqld" "$ROOTFS/var/lib/mysql-files"
chmod 1777 "$ROOTFS/var/lib/mysql" "$ROOTFS/var/run/mysqld"
chmod 0750 "$ROOTFS/var/lib/mysql-files"
rm -rf "$ROOTFS/run/mysqld"

install -m 0755 /dev/stdin "$ROOTFS/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in entry point (scripts/cluster/images/mariadb.sh): the official mysql image's contract.
set -eu
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) [Entrypoint] $*" >&2; }
# VAR or the content of VAR_FILE.
file_env() {
  eval "value=\${$1:-}"
  eval "file=\${$1_FILE:-}"
  if [ -n "$file" ]; then value="$(cat "$file")"; fi
  printf '%s' "$value"
}
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")"; }

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi

datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  if [ -n "$(ls -A "$datadir")" ]; then
    log "ERROR: --initialize specified but the data directory has files in it. Aborting. ($datadir has no mysql schema: $(ls -A "$datadir" | head -5 | tr '\n' ' '))"
    exit 1
  fi
  root_pw="$(file_env MYSQL_ROOT_PASSWORD)"
  [ -n "$root_pw" ] || { log 'ERROR: MYSQL_ROOT_PASSWORD or MYSQL_ROOT_PASSWORD_FILE is required'; exit 1; }
  log "initialising $datadir"
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve >/tmp/install-db.log 2>&1 || { cat /tmp/install-db.log >&2; exit 1; }
  mariadbd --skip-networking --socket=/tmp/init.sock --pid-file=/tmp/init.pid &
  pid=$!
  i=0
  until mariadb-admin --socket=/tmp/init.sock -uroot --silent ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { log 'ERROR: temporary server did not start'; exit 1; }
    sleep 0.5
  done
  db="${MYSQL_DATABASE:-}"; user="${MYSQL_USER:-}"; pw="$(file_env MYSQL_PASSWORD)"
  {
    echo "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_pw");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_pw");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$db" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$db\`;"; fi
    if [ -n "$user" ] && [ -n "$pw" ]; then
      echo "CREATE USER '$user'@'%' IDENTIFIED BY $(sql_string "$pw");"
      if [ -n "$db" ]; then echo "GRANT ALL ON \`$db\`.* TO '$user'@'%';"; fi
    fi
  } | mariadb --socket=/tmp/init.sock -uroot
  kill "$pid"
  wait "$pid" || true
  log 'initialised; starting the server'
fi
exec "$@"
EOF

uid="$(chroot "$ROOTFS" id -u mysql)"
import_rootfs "$IMAGE" "$ROOTFS" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "USER $uid" \
  --change 'EXPOSE 3306' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["mariadbd"]' \
  --message "stand-in for mysql:8.4 (Debian $DEBIAN_SUITE mariadb-server $(package_tag mariadb-server))"
printf '%s\n' "$IMAGE"
