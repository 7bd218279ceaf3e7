#include "hub/signature.h"

#include <gtest/gtest.h>

#include <set>

namespace feedd::hub {
namespace {

// RFC 4231, test cases 1 and 2 (HMAC-SHA-256).
TEST(HubSignature, MatchesTheRfc4231Vectors) {
    EXPECT_EQ(hub_signature(std::string(20, '\x0b'), "Hi There").value(),
              "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hub_signature("Jefe", "what do ya want for nothing?").value(),
              "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HubSignature, DependsOnSecretAndBody) {
    const auto a = hub_signature("s1", "body").value();
    EXPECT_NE(a, hub_signature("s2", "body").value());
    EXPECT_NE(a, hub_signature("s1", "body!").value());
    EXPECT_EQ(a, hub_signature("s1", "body").value());
}

TEST(HubChallenge, IsRandomHexOfTheAskedLength) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto challenge = random_hex(20);
        ASSERT_EQ(challenge.size(), 40u);
        EXPECT_EQ(challenge.find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(challenge);
    }
    EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace feedd::hub
