// Regressions found by fuzz_html_rewrite, replayed through the same oracle: gumbo re-parses
// the rewritten document and no on* handler may appear.
#include <gumbo.h>

#include <string_view>
#include <vector>

#include "capture/html_rewrite.h"
#include "test_util.h"
#include "util/charset.h"

namespace linksnap::capture {
namespace {

std::vector<std::string> handler_attributes(const std::string& html) {
  std::vector<std::string> found;
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::vector<const GumboNode*> stack{out->root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboVector& attrs = n->v.element.attributes;
    for (unsigned i = 0; i < attrs.length; ++i) {
      const std::string_view name(static_cast<const GumboAttribute*>(attrs.data[i])->name);
      if (name.size() > 2 && name.substr(0, 2) == "on") found.emplace_back(name);
    }
    for (unsigned i = 0; i < n->v.element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(n->v.element.children.data[i]));
    }
  }
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return found;
}

// Found by fuzz_html_rewrite: a NUL in an attribute name, written back raw into a rewritten
// start tag, made the re-parse read "on all" as one attribute "onall".
TEST(HtmlRewriteRegressionTest, NulInAttributeNameDoesNotCreateAHandler) {
  const std::string input = charset::sanitize_utf8(
      linksnap::testing::read_fixture("../fuzz/seeds/html_rewrite/regression-nul-in-attribute-name"));
  ASSERT_FALSE(input.empty());
  ASSERT_TRUE(handler_attributes(input).empty());
  const std::string out = rewrite_html(input, "https://example.com/dir/page.html",
                                       [](const std::string&, ResourceKind) {
                                         return std::optional<std::string>("linksnap-blob:x");
                                       });
  EXPECT_EQ(handler_attributes(out), std::vector<std::string>{});
}

}  // namespace
}  // namespace linksnap::capture
