#!/usr/bin/env bash
# Regenerates the test certificates of transport-grpc (run from anywhere; needs openssl):
#   ca.pem                      the test CA (its key is not kept)
#   server.pem / server.key     a node certificate for localhost and 127.0.0.1, signed by the CA; for serving and
#                               as a client certificate too (a broker serves clients and calls routers)
#   client.pem / client.key     a client certificate (CN=rocklet-test-client), signed by the CA
#   other-ca.pem                an unrelated CA: trusting only it rejects every certificate above
#   other-client.pem / .key     a client certificate signed by the unrelated CA
# Keys are EC P-256 in PKCS#8 PEM (what Netty reads without extra providers); everything is valid for 100 years.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=36500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() # name subject
{
  key "$work/$1.key"
  openssl req -x509 -new -key "$work/$1.key" -sha256 -days "$DAYS" -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
}

leaf() # name subject ca extensions
{
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$work/$1.csr"
  printf '%s\n' "$4" > "$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$3.pem" -CAkey "$work/$3.key" -CAcreateserial -CAserial "$work/$3.srl" \
    -days "$DAYS" -sha256 -extfile "$work/$1.ext" -out "$1.pem" 2>/dev/null
}

ca ca "/CN=rocklet-test-ca"
ca other-ca "/CN=rocklet-other-test-ca"
leaf server "/CN=localhost" ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
leaf client "/CN=rocklet-test-client" ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
leaf other-client "/CN=rocklet-other-test-client" other-ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
echo "certificates written to $(pwd)"
