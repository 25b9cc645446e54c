#include "net/rdma/exchange_wire.h"

#include <gtest/gtest.h>

#include "net/rdma/wire.h"

namespace ibex::net {
namespace {

TEST(ExchangeWireTest, NoticesRoundTrip) {
  Notice ready{7, 3, ReadyNotice{{{{1, 2}, 5, 4096}, {{1, 2}, 6, 17}}}};
  auto decoded = DecodeNotice(EncodeNotice(ready));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->generation, 7u);
  EXPECT_EQ(decoded->source, 3u);
  EXPECT_EQ(std::get<ReadyNotice>(decoded->body).slots, std::get<ReadyNotice>(ready.body).slots);

  Notice end{7, 1, EndNotice{{9, 4}, 123}};
  decoded = DecodeNotice(EncodeNotice(end));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<EndNotice>(decoded->body).count, 123u);
  EXPECT_EQ(std::get<EndNotice>(decoded->body).key, (ExchangeKey{9, 4}));

  Notice credit{7, 2, CreditNotice{{{{1, 1}, 3, 0}}}};
  decoded = DecodeNotice(EncodeNotice(credit));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<CreditNotice>(decoded->body).slots.size(), 1u);

  for (auto ring : {RingDoorbell::kReady, RingDoorbell::kCredit}) {
    decoded = DecodeNotice(EncodeNotice(Notice{7, 4, RingDoorbell{ring}}));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->source, 4u);
    EXPECT_EQ(std::get<RingDoorbell>(decoded->body).ring, ring);
  }
}

TEST(ExchangeWireTest, DoorbellForAnUnknownRingIsRejected) {
  auto bytes = EncodeNotice(Notice{1, 0, RingDoorbell{RingDoorbell::kCredit}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeNotice(std::span(bytes.data(), n)).ok()) << n;
  }
  bytes.back() = std::byte{3};
  auto decoded = DecodeNotice(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("unknown ring"), std::string::npos);
}

TEST(ExchangeWireTest, EveryTruncationIsRejected) {
  auto bytes = EncodeNotice(Notice{1, 0, ReadyNotice{{{{1, 2}, 5, 4096}}}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeNotice(std::span(bytes.data(), n)).ok()) << n;
  }
  bytes.push_back(std::byte{0});
  EXPECT_FALSE(DecodeNotice(bytes).ok()) << "trailing bytes";
}

TEST(ExchangeWireTest, HugeEntryCountIsRejectedWithoutAllocating) {
  WireWriter w;
  w.U8(kWireVersion);
  w.U32(1);
  w.U8(1);  // ready
  w.U32(0);
  w.U32(0xFFFFFFFF);
  EXPECT_FALSE(DecodeNotice(w.buffer()).ok());
}

TEST(ExchangeWireTest, WrongVersionAndKindAreRejected) {
  auto bytes = EncodeNotice(Notice{1, 0, EndNotice{{1, 1}, 1}});
  bytes[0] = std::byte{99};
  EXPECT_FALSE(DecodeNotice(bytes).ok());
  bytes = EncodeNotice(Notice{1, 0, EndNotice{{1, 1}, 1}});
  bytes[5] = std::byte{42};
  EXPECT_FALSE(DecodeNotice(bytes).ok());
}

TEST(ExchangeWireTest, DataHeaderRoundTripAndSize) {
  DataHeader h{3, 2, {{5, 6}, 7, 1000}};
  auto bytes = EncodeDataHeader(h);
  EXPECT_EQ(bytes.size(), DataHeader::kWireBytes);
  auto d = DecodeDataHeader(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->generation, 3u);
  EXPECT_EQ(d->source, 2u);
  EXPECT_EQ(d->entry, h.entry);
  bytes.pop_back();
  EXPECT_FALSE(DecodeDataHeader(bytes).ok());
}

TEST(ControlEnvelopeTest, RoundTripAndChecks) {
  WireWriter w;
  ControlEnvelope{12, 3, 99}.Write(w);
  EXPECT_EQ(w.buffer().size(), ControlEnvelope::kWireBytes);
  ControlEnvelope e;
  std::string error;
  ASSERT_TRUE(e.Read(w.buffer(), &error)) << error;
  EXPECT_EQ(e.type, 12);
  EXPECT_EQ(e.source, 3u);
  EXPECT_EQ(e.payload_bytes, 99u);
  auto bad = w.buffer();
  bad[3] = std::byte{2};  // version 2
  EXPECT_FALSE(e.Read(bad, &error));
  EXPECT_NE(error.find("version"), std::string::npos);
  EXPECT_FALSE(e.Read(std::span(w.buffer().data(), 15), &error));
}

TEST(WireReaderTest, StopsAtTheEnd) {
  std::byte b[3] = {};
  WireReader r(b);
  uint16_t x;
  uint32_t y;
  EXPECT_TRUE(r.U16(&x));
  EXPECT_FALSE(r.U32(&y));
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.U8(reinterpret_cast<uint8_t*>(&x)));
}

}  // namespace
}  // namespace ibex::net
