// taskmanager-s3-server: gofakes3 (an S3-protocol server, in memory) as a stand-in for AWS S3 and
// MinIO in the backup tests. gofakes3 accepts any request; this main adds what the tests need on
// top: AWS Signature Version 4 checked against one access key (a wrong secret is refused with
// SignatureDoesNotMatch, as S3 does), buckets created at start, and the listening address printed
// once bound, so that a test can ask for port 0 and never race for a port.
//
//	taskmanager-s3-server -addr 127.0.0.1:0 -buckets backups,other \
//	  -access-key-id AKIDTEST -secret-access-key-file ./secret
//	listening http://127.0.0.1:40123
//
// Built by .ci/run into ~/go/bin when its sources change (the -version stamp); docs/testing.md.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// version is set by .ci/run (-ldflags "-X main.version=…"): a digest of this directory's sources.
var version = "dev"

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	buckets := flag.String("buckets", "", "comma-separated buckets to create at start")
	accessKeyID := flag.String("access-key-id", "", "the only access key accepted (empty: no authentication)")
	secretFile := flag.String("secret-access-key-file", "", "file holding that key's secret")
	showVersion := flag.Bool("version", false, "print the version stamp and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}

	backend := s3mem.New()
	for _, name := range strings.Split(*buckets, ",") {
		if name = strings.TrimSpace(name); name != "" {
			if err := backend.CreateBucket(name); err != nil {
				log.Fatalf("create bucket %s: %v", name, err)
			}
		}
	}
	var handler http.Handler = gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	if *accessKeyID != "" {
		secret, err := os.ReadFile(*secretFile)
		if err != nil {
			log.Fatalf("-secret-access-key-file: %v", err)
		}
		handler = sigV4{next: handler, accessKeyID: *accessKeyID, secret: strings.TrimRight(string(secret), "\r\n")}
	}

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening http://%s\n", listener.Addr())
	log.Fatal(http.Serve(listener, handler))
}

// sigV4 refuses every request not signed (header form, AWS4-HMAC-SHA256) with the one key.
type sigV4 struct {
	next        http.Handler
	accessKeyID string
	secret      string
}

func (s sigV4) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if code, message := s.check(r); code != "" {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		if r.Method != http.MethodHead {
			_ = xml.NewEncoder(w).Encode(struct {
				XMLName xml.Name `xml:"Error"`
				Code    string   `xml:"Code"`
				Message string   `xml:"Message"`
			}{Code: code, Message: message})
		}
		return
	}
	s.next.ServeHTTP(w, r)
}

// check returns an S3 error code and message, or "" when the signature is right.
func (s sigV4) check(r *http.Request) (string, string) {
	const algorithm = "AWS4-HMAC-SHA256"
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, algorithm+" ") {
		return "AccessDenied", "Access Denied (the request is not signed with " + algorithm + ")"
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, algorithm+" "), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			fields[k] = v
		}
	}
	credential := strings.Split(fields["Credential"], "/")
	if len(credential) != 5 || fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return "AuthorizationHeaderMalformed", "The authorization header is malformed"
	}
	if credential[0] != s.accessKeyID {
		return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
	}
	date, region, service := credential[1], credential[2], credential[3]
	signed := strings.Split(fields["SignedHeaders"], ";")

	var headers strings.Builder
	for _, name := range signed {
		value := strings.Join(r.Header.Values(name), ",")
		if name == "host" {
			value = r.Host
		}
		headers.WriteString(name + ":" + strings.Join(strings.Fields(value), " ") + "\n")
	}
	canonical := strings.Join([]string{
		r.Method,
		r.URL.EscapedPath(),
		canonicalQuery(r.URL.RawQuery),
		headers.String(),
		fields["SignedHeaders"],
		r.Header.Get("X-Amz-Content-Sha256"),
	}, "\n")
	scope := strings.Join(credential[1:], "/")
	digest := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{algorithm, r.Header.Get("X-Amz-Date"), scope, hex.EncodeToString(digest[:])}, "\n")
	key := hmacSHA256([]byte("AWS4"+s.secret), date)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if subtle.ConstantTimeCompare([]byte(want), []byte(fields["Signature"])) != 1 {
		return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	}
	return "", ""
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

// canonicalQuery: every name and value URI-encoded (RFC 3986 unreserved kept), sorted.
func canonicalQuery(raw string) string {
	values, _ := url.ParseQuery(raw)
	var pairs []string
	for name, list := range values {
		for _, value := range list {
			pairs = append(pairs, awsEscape(name)+"="+awsEscape(value))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func awsEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
