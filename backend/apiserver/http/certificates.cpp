#include "certificates.h"

#include "backend/api/encoding.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace kubist::apiserver {

namespace {

template<class T, void (*F)(T *)> struct Deleter
{
    void operator()(T *p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool fileExists(const std::string &path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::unavailable("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Status writeFile(const std::string &path, const std::string &content, mode_t mode)
{
    const std::string tmp = path + ".tmp";
    FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        return Status::unavailable("cannot write " + path);
    ::chmod(tmp.c_str(), mode);
    const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    if (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0 || std::fclose(f) != 0 || !ok)
        return Status::unavailable("cannot write " + path);
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        return Status::unavailable("cannot write " + path);
    return {};
}

Key newKey()
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    return Key(key);
}

std::string keyPem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data;
    const long n = BIO_get_mem_data(bio, &data);
    std::string s(data, size_t(n));
    BIO_free(bio);
    return s;
}

std::string certPem(X509 *cert)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char *data;
    const long n = BIO_get_mem_data(bio, &data);
    std::string s(data, size_t(n));
    BIO_free(bio);
    return s;
}

Key parseKey(const std::string &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return Key(k);
}

Cert parseCert(const std::string &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
    X509 *c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return Cert(c);
}

void addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext) {
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
}

// A certificate for `key` named `cn` (and `org`), signed by issuer/issuerKey
// (self-signed when issuer is null).
Cert makeCert(EVP_PKEY *key, const std::string &cn, const std::string &org, X509 *issuer,
              EVP_PKEY *issuerKey, bool ca, const char *san, const char *extendedUsage)
{
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    // A positive 127-bit random serial.
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F;
    serial[0] |= 0x01;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME *name = X509_get_subject_name(cert.get());
    if (!org.empty())
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char *>(org.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>(cn.c_str()), -1, -1, 0);
    X509 *iss = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
    if (ca) {
        addExtension(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(cert.get(), iss, NID_key_usage,
                     "critical,keyCertSign,cRLSign,digitalSignature");
        addExtension(cert.get(), iss, NID_subject_key_identifier, "hash");
    } else {
        addExtension(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        addExtension(cert.get(), iss, NID_ext_key_usage, extendedUsage);
        addExtension(cert.get(), iss, NID_authority_key_identifier, "keyid");
        if (san)
            addExtension(cert.get(), iss, NID_subject_alt_name, san);
    }
    X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256());
    return cert;
}

std::string randomToken()
{
    unsigned char bytes[24];
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (unsigned char b : bytes) {
        s += kHex[b >> 4];
        s += kHex[b & 15];
    }
    return s;
}

Result<std::string> tokenFile(const std::string &path)
{
    if (fileExists(path)) {
        Result<std::string> t = readFile(path);
        if (!t)
            return t;
        std::string s = *t;
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
            s.pop_back();
        if (s.size() < 16)
            return Status::dataLoss(path + " holds no usable token");
        return s;
    }
    std::string token = randomToken();
    if (Status s = writeFile(path, token + "\n", 0600); !s)
        return s;
    return token;
}

} // namespace

Result<ServerCredentials> ensureServerCredentials(const std::string &dir)
{
    ServerCredentials c;
    c.caCertFile = dir + "/ca.crt";
    c.caKeyFile = dir + "/ca.key";
    c.certFile = dir + "/server.crt";
    c.keyFile = dir + "/server.key";

    Key caKey;
    Cert caCert;
    if (fileExists(c.caCertFile) && fileExists(c.caKeyFile)) {
        Result<std::string> certText = readFile(c.caCertFile);
        Result<std::string> keyText = readFile(c.caKeyFile);
        if (!certText || !keyText)
            return Status::unavailable("cannot read the CA in " + dir);
        caCert = parseCert(*certText);
        caKey = parseKey(*keyText);
        if (!caCert || !caKey)
            return Status::dataLoss(c.caCertFile + " or " + c.caKeyFile +
                                    " is not a PEM certificate / key");
    } else {
        caKey = newKey();
        caCert = makeCert(caKey.get(), "kubist-ca", "", nullptr, nullptr, true, nullptr, nullptr);
        if (Status s = writeFile(c.caKeyFile, keyPem(caKey.get()), 0600); !s)
            return s;
        if (Status s = writeFile(c.caCertFile, certPem(caCert.get()), 0644); !s)
            return s;
        std::remove(c.certFile.c_str()); // a new CA needs a new server certificate
    }
    c.caCertPem = certPem(caCert.get());

    if (!fileExists(c.certFile) || !fileExists(c.keyFile)) {
        Key key = newKey();
        Cert cert = makeCert(key.get(), "kubist-apiserver", "", caCert.get(), caKey.get(), false,
                             "IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kubernetes,"
                             "DNS:kubernetes.default,DNS:kubernetes.default.svc",
                             "serverAuth");
        if (Status s = writeFile(c.keyFile, keyPem(key.get()), 0600); !s)
            return s;
        if (Status s = writeFile(c.certFile, certPem(cert.get()), 0644); !s)
            return s;
    }
    Result<std::string> admin = tokenFile(dir + "/admin-token");
    if (!admin)
        return admin.status();
    Result<std::string> viewer = tokenFile(dir + "/viewer-token");
    if (!viewer)
        return viewer.status();
    c.adminToken = *admin;
    c.viewerToken = *viewer;
    return c;
}

Result<std::pair<std::string, std::string>> issueClientCertificate(const std::string &dir,
                                                                   const std::string &user)
{
    Result<std::string> certText = readFile(dir + "/ca.crt");
    Result<std::string> keyText = readFile(dir + "/ca.key");
    if (!certText || !keyText)
        return Status::unavailable("cannot read the CA in " + dir);
    Cert caCert = parseCert(*certText);
    Key caKey = parseKey(*keyText);
    if (!caCert || !caKey)
        return Status::dataLoss("the CA in " + dir + " is not a PEM certificate / key");
    Key key = newKey();
    Cert cert =
        makeCert(key.get(), user, "", caCert.get(), caKey.get(), false, nullptr, "clientAuth");
    return std::make_pair(certPem(cert.get()), keyPem(key.get()));
}

Status writeKubeconfig(const std::string &path, const std::string &server,
                       const std::string &caCertPem, const std::string &user,
                       const std::string &token, const std::string &contextName)
{
    std::string y;
    y += "apiVersion: v1\nkind: Config\n";
    y += "clusters:\n- name: " + contextName + "\n  cluster:\n    server: " + server + "\n";
    if (!caCertPem.empty()) {
        std::string data;
        api::base64Encode(caCertPem, data);
        y += "    certificate-authority-data: " + data + "\n";
    }
    y += "users:\n- name: " + user + "\n  user:\n";
    y += token.empty() ? "    {}\n" : "    token: " + token + "\n";
    y += "contexts:\n- name: " + contextName + "\n  context:\n    cluster: " + contextName +
         "\n    user: " + user + "\n    namespace: default\n";
    y += "current-context: " + contextName + "\npreferences: {}\n";
    return writeFile(path, y, 0600);
}

} // namespace kubist::apiserver
