// Regressions found by fuzz_html_rewrite, replayed through the same oracle: gumbo re-parses
// the rewritten document and no on* handler may appear.
#include <gumbo.h>

#include <functional>
#include <string_view>
#include <vector>

#include "capture/html_rewrite.h"
#include "test_util.h"
#include "util/charset.h"

namespace linksnap::capture {
namespace {

// Visits every element of the document a browser builds from `html`.
void for_each_element(const std::string& html,
                      const std::function<void(const GumboElement&)>& visit) {
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::vector<const GumboNode*> stack{out->root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    visit(n->v.element);
    for (unsigned i = 0; i < n->v.element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(n->v.element.children.data[i]));
    }
  }
  gumbo_destroy_output(&kGumboDefaultOptions, out);
}

std::vector<std::string> handler_attributes(const std::string& html) {
  std::vector<std::string> found;
  for_each_element(html, [&](const GumboElement& e) {
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const std::string_view name(static_cast<const GumboAttribute*>(e.attributes.data[i])->name);
      if (name.size() > 2 && name.substr(0, 2) == "on") found.emplace_back(name);
    }
  });
  return found;
}

// Found by fuzz_html_rewrite: a NUL in an attribute name, written back raw into a rewritten
// start tag, made the re-parse read "on all" as one attribute "onall".
TEST(HtmlRewriteRegressionTest, NulInAttributeNameDoesNotCreateAHandler) {
  const std::string input = charset::sanitize_utf8(linksnap::testing::read_fixture(
      "../fuzz/seeds/html_rewrite/regression-nul-in-attribute-name"));
  ASSERT_FALSE(input.empty());
  ASSERT_TRUE(handler_attributes(input).empty());
  const std::string out = rewrite_html(input, "https://example.com/dir/page.html",
                                       [](const std::string&, ResourceKind) {
                                         return std::optional<std::string>("linksnap-blob:x");
                                       });
  EXPECT_EQ(handler_attributes(out), std::vector<std::string>{});
}

bool has_script(const std::string& html) {
  bool found = false;
  for_each_element(html,
                   [&](const GumboElement& e) { found = found || e.tag == GUMBO_TAG_SCRIPT; });
  return found;
}

std::string rewrite(const std::string& html) {
  return rewrite_html(
      html, "https://example.com/dir/page.html", [](const std::string& url, ResourceKind) {
        return std::optional<std::string>("linksnap-blob:" + url.substr(url.rfind('/') + 1));
      });
}

// The attributes of the one <body> element a browser builds from `html`.
std::vector<std::string> body_attributes(const std::string& html) {
  std::vector<std::string> found;
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  const GumboVector& top = out->root->v.element.children;
  for (unsigned i = 0; i < top.length; ++i) {
    const auto* n = static_cast<const GumboNode*>(top.data[i]);
    if (n->type != GUMBO_NODE_ELEMENT || n->v.element.tag != GUMBO_TAG_BODY) continue;
    for (unsigned k = 0; k < n->v.element.attributes.length; ++k) {
      const auto* a = static_cast<const GumboAttribute*>(n->v.element.attributes.data[k]);
      found.push_back(std::string(a->name) + "=" + a->value);
    }
  }
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return found;
}

// Found by fuzz_html_rewrite (a 45-minute run): a second <body> tag after text gives its
// attributes to the implicit <body>. The rewriter only rewrote elements' own start tags, so
// that tag's handler stayed in the output and came back on the next parse.
TEST(HtmlRewriteRegressionTest, HandlerFromALaterBodyTagIsRemoved) {
  const std::string input = charset::sanitize_utf8(linksnap::testing::read_fixture(
      "../fuzz/seeds/html_rewrite/regression-handler-from-a-later-body-tag"));
  ASSERT_FALSE(input.empty());
  EXPECT_EQ(handler_attributes(rewrite(input)), std::vector<std::string>{});

  const std::string out =
      rewrite("<p>text<body onclick=\"steal()\" class=\"dark\" background=\"img/bg.png\">");
  EXPECT_EQ(body_attributes(out),
            (std::vector<std::string>{"class=dark", "background=linksnap-blob:bg.png"}));
  EXPECT_EQ(out.find("steal"), std::string::npos);
}

// The same spec rule hides a later tag's attribute when the element already has it: with
// the first onload removed, the second one would take its place on the next parse.
TEST(HtmlRewriteRegressionTest, HandlerShadowedByTheFirstBodyTagDoesNotTakeItsPlace) {
  const std::string out = rewrite(
      "<html><body onload=\"a()\" class=\"x\"><p>hi</p><body onload=\"b()\" id=\"k\"></html>");
  EXPECT_EQ(body_attributes(out), (std::vector<std::string>{"class=x", "id=k"}));
  EXPECT_EQ(handler_attributes(out), std::vector<std::string>{});
  EXPECT_NE(out.find("<p>hi</p>"), std::string::npos);
}

// A page that stacks more such tags than the peeling passes take: the rest are escaped.
TEST(HtmlRewriteRegressionTest, ManyStackedBodyTagsEndEscaped) {
  std::string input = "<body onload=\"x()\"><p>hi</p>";
  for (int i = 0; i < 20; ++i) input += "<body onload=\"n" + std::to_string(i) + "()\">";
  const std::string out = rewrite(input);
  EXPECT_EQ(handler_attributes(out), std::vector<std::string>{});
  EXPECT_EQ(body_attributes(out), std::vector<std::string>{});
  EXPECT_NE(out.find("&lt;body onload=\"n19()\">"), std::string::npos);
}

// Found by fuzz_html_rewrite (45-minute run, after 18 minutes): inside <svg> a <script> is
// not raw text, so an unclosed one has the markup after it as children, here another
// <script>. Only the outer start tag was removed and its children were never visited.
TEST(HtmlRewriteRegressionTest, ScriptInsideAnUnclosedSvgScriptIsRemoved) {
  const std::string input = charset::sanitize_utf8(linksnap::testing::read_fixture(
      "../fuzz/seeds/html_rewrite/regression-script-inside-unclosed-svg-script"));
  ASSERT_FALSE(input.empty());
  EXPECT_FALSE(has_script(rewrite(input)));

  const std::string out =
      rewrite("<svg><script href=a.js><rect/><script>alert(1)</script><circle/>");
  EXPECT_FALSE(has_script(out)) << out;
  EXPECT_EQ(out.find("alert"), std::string::npos) << out;
  EXPECT_NE(out.find("<circle/>"), std::string::npos) << out;
}

}  // namespace
}  // namespace linksnap::capture
