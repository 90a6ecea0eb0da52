#!/usr/bin/env bash
# Makes TLS certificates for Rocklet servers and applications on a development machine or a small test cluster
# (needs openssl 1.1.1 or later):
#   dev-certs.sh DIR [NAME ...]
#     DIR/ca.pem                  the CA every node and application trusts (its key, DIR/ca.key, signs the others:
#                                 keep it private, or delete it once the certificates are made)
#     DIR/node.pem, node.key      for every router and broker: valid for localhost, 127.0.0.1, ::1 and each NAME
#                                 (a DNS name or an IP address clients use to reach the servers); usable to serve
#                                 and as a client certificate (a broker calls the routers)
#     DIR/app.pem, app.key        a client certificate for applications (mutual TLS)
# Keys are EC P-256 in PKCS#8 PEM, what the gRPC transport reads; certificates are valid for 825 days.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [dns-name-or-ip ...]" >&2
  exit 2
fi
dir=$1
shift
mkdir -p "$dir"
cd "$dir"
days=825

names="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then names="$names,IP:$name"; else names="$names,DNS:$name"; fi
done

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=rocklet-dev-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

leaf() # name subject extensions
{
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

leaf node "/CN=rocklet-node" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$names"
leaf app "/CN=rocklet-app" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
rm -f ca.srl
echo "in $(pwd): ca.pem (trust), node.pem + node.key (routers and brokers: $names), app.pem + app.key (applications)"
