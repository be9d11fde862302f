# shellcheck shell=bash
# Sourced by the scripts that debootstrap a Debian root filesystem (build-base-image.sh, the
# cluster stand-in images): the host's own apt mirror, since only package registries are reachable.

# The first `URIs:` (deb822 .sources) or `deb` line (.list) whose path ends in the given name.
host_mirror() {
  local name="$1" file uri
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    uri="$(
      sed -n -E \
        -e "s#^URIs:[[:space:]]+([^[:space:]]*/${name})/?([[:space:]].*)?\$#\1#p" \
        -e "s#^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]*/${name})/?[[:space:]].*\$#\2#p" \
        "$file" | head -n 1
    )"
    if [[ -n $uri ]]; then
      printf '%s\n' "$uri"
      return 0
    fi
  done
  return 1
}
