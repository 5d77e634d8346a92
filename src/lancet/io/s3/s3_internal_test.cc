// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Pure tests of the S3 client's pieces: SigV4 against AWS's published examples, URI options, and
// the XML helpers. The live behaviour is in s3_file_system_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>

#include "lancet/io/s3/sigv4_internal.h"
#include "lancet/io/s3/xml_internal.h"
#include "lancet/io/s3_file_system.h"

namespace lancet::io::s3::internal {
namespace {

// AWS SigV4 test suite (docs.aws.amazon.com, "Signature Version 4 test suite"), "get-vanilla":
// the secret and date every case of the suite uses.
TEST(SigV4, AwsTestSuiteGetVanilla) {
  SigningInput in;
  in.method = "GET";
  in.canonical_uri = "/";
  in.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  in.payload_hash = kEmptySha256;
  Signature s = SignV4(in, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                       "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" + std::string(kEmptySha256));
  EXPECT_EQ(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// Amazon S3 API reference, "Signature Calculations for the Authorization Header", example
// "GET Object" (a ranged GET of /test.txt from examplebucket).
TEST(SigV4, AwsS3ExampleGetObject) {
  SigningInput in;
  in.method = "GET";
  in.canonical_uri = "/test.txt";
  in.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                {"Range", "bytes=0-9"},
                {"x-amz-content-sha256", kEmptySha256},
                {"x-amz-date", "20130524T000000Z"}};
  in.payload_hash = kEmptySha256;
  Signature s = SignV4(in, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                       "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// Same page, example "GET Bucket (List Objects)": query parameters are encoded and sorted.
TEST(SigV4, AwsS3ExampleListObjects) {
  SigningInput in;
  in.method = "GET";
  in.canonical_uri = "/";
  in.query = {{"prefix", "J"}, {"max-keys", "2"}};
  in.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                {"x-amz-content-sha256", kEmptySha256},
                {"x-amz-date", "20130524T000000Z"}};
  in.payload_hash = kEmptySha256;
  Signature s = SignV4(in, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                       "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(s.canonical_request.find("\nmax-keys=2&prefix=J\n"), std::string::npos);
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// Same page, example "GET Bucket Lifecycle": a parameter without a value signs as "lifecycle=".
TEST(SigV4, AwsS3ExampleGetBucketLifecycle) {
  SigningInput in;
  in.method = "GET";
  in.canonical_uri = "/";
  in.query = {{"lifecycle", ""}};
  in.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                {"x-amz-content-sha256", kEmptySha256},
                {"x-amz-date", "20130524T000000Z"}};
  in.payload_hash = kEmptySha256;
  Signature s = SignV4(in, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                       "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, CanonicalFormDetails) {
  EXPECT_EQ(UriEncode("a b/c+d=e~f_g.h-i", true), "a%20b/c%2Bd%3De~f_g.h-i");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xc3\xa9", true), "%C3%A9");
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_EQ(HexEncode(Md5Raw("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  SigningInput in;
  in.method = "PUT";
  in.canonical_uri = "/b/k";
  in.query = {{"b", "2"}, {"a", "x/y"}, {"a", "1"}};
  in.headers = {{"X-Amz-Date", "20200101T000000Z"}, {"Host", "h"}, {"x-amz-meta", "  a   b  "}};
  in.payload_hash = "UNSIGNED-PAYLOAD";
  Signature s = SignV4(in, {"k", "s"}, "r", "s3", "20200101T000000Z");
  EXPECT_EQ(s.canonical_request,
            "PUT\n/b/k\na=1&a=x%2Fy&b=2\nhost:h\nx-amz-date:20200101T000000Z\nx-amz-meta:a b\n\n"
            "host;x-amz-date;x-amz-meta\nUNSIGNED-PAYLOAD");
}

TEST(S3Xml, ElementsAndEntities) {
  std::string xml =
      "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b&lt;c&#x41;</Key>"
      "<Size>3</Size></Contents><Contents><Key>d</Key><Size>10</Size></Contents>"
      "<ContentsX>no</ContentsX><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"
      "<NextContinuationToken>t=1</NextContinuationToken><Empty/></ListBucketResult>";
  auto contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[0], "Key"), "a&b<cA");
  EXPECT_EQ(XmlText(contents[1], "Size"), "10");
  EXPECT_EQ(XmlText(xml, "IsTruncated"), "true");
  EXPECT_EQ(XmlText(xml, "NextContinuationToken"), "t=1");
  EXPECT_EQ(XmlElements(xml, "Empty").size(), 1u);
  EXPECT_EQ(XmlText(xml, "Missing"), "");
  EXPECT_EQ(XmlEscape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
  EXPECT_EQ(ParseIso8601Nanos("1970-01-02T00:00:01.500Z"), (86401LL * 1000 + 500) * 1000000);
  EXPECT_EQ(ParseHttpDateNanos("Thu, 01 Jan 1970 00:01:00 GMT"), 60LL * 1000000000);
  EXPECT_EQ(ParseIso8601Nanos("garbage"), 0);
}

}  // namespace
}  // namespace lancet::io::s3::internal

namespace lancet::io {
namespace {

TEST(S3Options, FromUri) {
  std::string path;
  auto o = S3Options::FromUri(
      "s3://bkt/a/b%20c/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&allow_http=true&region=eu-west-1"
      "&access_key_id=AK&secret_access_key=SK&max_retries=2&part_size=5242880&list_page_size=10",
      &path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->bucket, "bkt");
  EXPECT_EQ(path, "/a/b c");
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o->region, "eu-west-1");
  EXPECT_TRUE(o->allow_http);
  EXPECT_TRUE(*o->path_style);  // custom endpoint: path style by default
  EXPECT_EQ(o->access_key_id, "AK");
  EXPECT_EQ(o->retry.max_retries, 2);
  EXPECT_EQ(o->part_size, 5242880);
  EXPECT_EQ(o->list_page_size, 10);

  // Plain http must be allowed explicitly; unknown options are errors.
  EXPECT_TRUE(S3Options::FromUri("s3://b/p?endpoint=http://h:1", &path).status().IsInvalidArgument());
  EXPECT_TRUE(S3Options::FromUri("s3://b/p?bogus=1", &path).status().IsInvalidArgument());
  EXPECT_TRUE(S3Options::FromUri("s3:///p", &path).status().IsInvalidArgument());

  // Bucket root.
  auto root = S3Options::FromUri("s3://b?access_key_id=a&secret_access_key=b", &path);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(path, "/");
  EXPECT_FALSE(*root->path_style);  // AWS: virtual-hosted style
}

TEST(S3Options, R2Preset) {
  std::string path;
  auto o = S3Options::FromUri("r2://media/ds?r2_account_id=abc123&access_key_id=a&secret_access_key=b",
                              &path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->endpoint, "https://abc123.r2.cloudflarestorage.com");
  EXPECT_EQ(o->region, "auto");
  EXPECT_TRUE(*o->path_style);
  EXPECT_EQ(path, "/ds");
  auto fs = S3FileSystem::Make(*o);
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ((*fs)->UrlOf("/ds/x y"), "https://abc123.r2.cloudflarestorage.com/media/ds/x%20y");
}

TEST(S3Options, ExpressDirectoryBucket) {
  S3Options o;
  o.bucket = "mybucket--usw2-az1--x-s3";
  o.region = "us-west-2";
  o.access_key_id = "a";
  o.secret_access_key = "b";
  auto fs = S3FileSystem::Make(o);
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  EXPECT_TRUE((*fs)->options().s3_express);
  EXPECT_EQ((*fs)->UrlOf("/k"),
            "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/k");
}

TEST(S3Options, Environment) {
  setenv("AWS_ACCESS_KEY_ID", "envkey", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  setenv("AWS_ENDPOINT_URL", "https://minio.example:9000", 1);
  setenv("AWS_REGION", "ap-south-1", 1);
  std::string path;
  auto o = S3Options::FromUri("s3://b/p", &path);
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_REGION");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->access_key_id, "envkey");
  EXPECT_EQ(o->secret_access_key, "envsecret");
  EXPECT_EQ(o->endpoint, "https://minio.example:9000");
  EXPECT_EQ(o->region, "ap-south-1");
}

}  // namespace
}  // namespace lancet::io
