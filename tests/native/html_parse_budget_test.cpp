// gumbo's work on one document is bounded (capture/gumbo_guard.h): each pathological shape
// the hostile-server pass found (crashes, minutes of CPU, gigabytes) ends within the budget,
// parsed as far as fits, and says where it was cut. The pages are generated here.
#include <gtest/gtest.h>

#include <time.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/gumbo_guard.h"
#include "capture/html_rewrite.h"
#include "capture/html_text.h"

namespace linksnap::capture {
namespace {

std::string repeated(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// CPU time, not wall time: the machine running the tests may be busy.
struct CpuTimer {
  double start = thread_cpu_seconds();
  double seconds() const { return thread_cpu_seconds() - start; }
};

std::size_t max_element_depth(const GumboNode* root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const GumboNode*, std::size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (const GumboVector* children = children_of(node)) {
      for (unsigned i = 0; i < children->length; ++i) {
        const auto* child = static_cast<const GumboNode*>(children->data[i]);
        if (child->type == GUMBO_NODE_ELEMENT) stack.emplace_back(child, depth + 1);
      }
    }
  }
  return deepest;
}

// The shapes below cost gumbo seconds to minutes; a one-second budget shows the same
// mechanism as the default two and keeps the tests short.
ParseBudget one_second() {
  ParseBudget budget;
  budget.max_cpu = std::chrono::seconds(1);
  return budget;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string note_start(std::string_view why) {
  return "the page's markup is too complex to save in full (" + std::string(why) +
         "): the first ";
}

TEST(ParseBudgetTest, DefaultsAreTheDocumentedOnes) {
  const ParseBudget budget;
  EXPECT_EQ(budget.max_depth, 512u);
  EXPECT_EQ(budget.max_bytes, 48u << 20);
  EXPECT_EQ(budget.max_cpu.count(), 6000);
}

// What a tree holds: nodes, attributes, and the bytes of text, names and values.
struct TreeSum {
  std::size_t nodes = 0, attributes = 0, bytes = 0;
  bool operator==(const TreeSum&) const = default;
};
TreeSum sum_of(const GumboNode* root) {
  TreeSum s;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    ++s.nodes;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_COMMENT || n->type == GUMBO_NODE_CDATA) {
      s.bytes += std::string_view(n->v.text.text).size();
    }
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      const GumboVector& attributes = n->v.element.attributes;
      s.attributes += attributes.length;
      for (unsigned i = 0; i < attributes.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(attributes.data[i]);
        s.bytes += std::string_view(a->name).size() + std::string_view(a->value).size();
      }
    }
    if (const GumboVector* children = children_of(n)) {
      for (unsigned i = 0; i < children->length; ++i) {
        stack.push_back(static_cast<const GumboNode*>(children->data[i]));
      }
    }
  }
  return s;
}

// The arena recycles the blocks gumbo frees (by size class; big ones are unmapped): a block
// handed out twice, or a size class mixed up, would show as a different tree than gumbo
// builds with malloc. Shapes that free much: entities and attributes, long text and values
// (string buffers grown past 64 KiB), tables and selects reparented, reopened formatting.
TEST(ParseBudgetTest, TheRecyclingArenaBuildsTheSameTreeAsMalloc) {
  const std::vector<std::string> pages = {
      "<title>x</title>" +
          repeated("<p class=\"x\" id=a>chrony &amp; NTS \u4f7f\u7528 &lt;t&gt; notes</p>\n", 20000),
      repeated("<table><tr><td>a<td>b<select><option>1<optgroup>2</select></table>", 3000),
      repeated("<b><i></b>x", 400),  // 400 deep: under the depth limit
      repeated("<div style='a:b' data-x=\"" + repeated("y", 100000) + "\">", 20),
      "<pre>" + repeated("text with spaces ", 200000) + "</pre>" + repeated("<!-- c -->", 1000),
      repeated("<svg><path d='M0 0'/></svg><math><mi>x</mi></math><template><p>t</template>", 2000),
  };
  for (const std::string& page : pages) {
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    GumboOutput* with_malloc = gumbo_parse_with_options(&options, page.data(), page.size());
    const GumboDocument doc(page);
    EXPECT_EQ(doc.cut(), ParseCut::kNone) << page.substr(0, 80);
    EXPECT_TRUE(sum_of(doc.output()->document) == sum_of(with_malloc->document)) << page.substr(0, 80);
    gumbo_destroy_output(&options, with_malloc);
  }
}

// A save holds two copies of the page besides the tree, and everything under 128 MiB.
TEST(ParseBudgetTest, MemoryIsSixteenBytesPerByteOfPageWithinWhatASaveLeaves) {
  EXPECT_EQ(budget_for_page(0).max_bytes, 64u << 20);
  EXPECT_EQ(budget_for_page(6u << 20).max_bytes, 96u << 20);
  EXPECT_EQ(budget_for_page(10u << 20).max_bytes, 92u << 20);   // 112 MiB - 2 x 10
  EXPECT_EQ(budget_for_page(31u << 20).max_bytes, 50u << 20);   // 112 MiB - 2 x 31
  EXPECT_EQ(budget_for_page(56u << 20).max_bytes, 16u << 20);   // never below 16 MiB
  EXPECT_EQ(budget_for_page(64u << 20).max_bytes, 16u << 20);
  EXPECT_EQ(budget_for_page(31u << 20).max_cpu.count(), 6000);
}

// gumbo frees about as much as it keeps (token names, attribute vectors, string buffers grown
// by copying); the arena recycles those blocks, so a real 10 MB page (the e2e test's: English
// and Chinese paragraphs with entities) needs ~65 MiB and fits the first parse's share of its
// budget (7/8 of 92 MiB). Kept, the frees took over 100 MiB and the page was cut.
TEST(ParseBudgetTest, ATenMegabytePageOfParagraphsIsParsedWholeWithinItsBudget) {
  const std::string para =
      "<p class=\"x\">chrony &amp; NTS \u4f7f\u7528 TLS \u4ea4\u6362\u5bc6\u94a5 \u2014 "
      "\"quoted\" &lt;tag&gt; time sync notes \u65f6\u95f4\u540c\u6b65</p>\n";
  const std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>big page"
                           "</title></head><body>\n" +
                           repeated(para, (10u << 20) / para.size() + 1) +
                           "<p>the end</p></body></html>";
  ASSERT_GT(html.size(), 10u << 20);
  const PreparedPage page = prepare_page(html);
  EXPECT_EQ(page.note, "");
  EXPECT_EQ(page.text.title, "big page");
  EXPECT_EQ(page.html.size(), html.size());  // its own <meta charset="utf-8"> kept as it is
  const std::string rewritten = rewrite_html(page.html, "http://x.test/", [](const std::string&, ResourceKind) {
    return std::optional<std::string>();
  });
  EXPECT_EQ(rewritten.find("linksnap-note"), std::string::npos);
  EXPECT_NE(rewritten.find("<p>the end</p></body></html>"), std::string::npos);
}

TEST(ParseBudgetTest, AnOrdinaryPageIsParsedWhole) {
  const std::string html = "<title>t</title><p>" + repeated("<a href=x>link</a> text ", 2000);
  const GumboDocument doc(html);
  EXPECT_EQ(doc.cut(), ParseCut::kNone);
  EXPECT_EQ(doc.parsed_length(), html.size());
  EXPECT_EQ(parse_cut_note(doc, html.size()), "");
  const PreparedPage page = prepare_page(html);
  EXPECT_EQ(page.note, "");
  EXPECT_EQ(rewrite_html(html, "https://example.com/", [](const std::string&, ResourceKind) {
              return std::optional<std::string>();
            }).find("linksnap-note"),
            std::string::npos);
}

// Regression: 100,000 misnested formatting elements that the parser reopens (the byte
// estimate took them for closed) crashed `linksnap add` after 48 s of CPU, with a stack
// overflow in gumbo's recursive gumbo_destroy_output.
TEST(ParseBudgetTest, ReopenedFormattingElementsAreCutAtTheDepthLimit) {
  const std::string html = "<p>start" + repeated("<i><b></i>x", 100000) + "end";
  const CpuTimer timer;
  const GumboDocument doc(html, one_second());
  EXPECT_LT(timer.seconds(), 1.5);
  EXPECT_EQ(doc.cut(), ParseCut::kDepth);
  EXPECT_GT(doc.parsed_length(), 1000u);
  EXPECT_EQ(html[doc.parsed_length()], '<');
  EXPECT_LE(max_element_depth(doc.output()->document), 512u);
  const std::string note = parse_cut_note(doc, html.size());
  EXPECT_TRUE(starts_with(note, note_start("elements nested more than 512 deep"))) << note;
}

// Regression: 300,000 unclosed elements that nest without limit (<optgroup> outside
// <select>, ruby annotations outside <ruby>: the estimate never counted them) crashed too.
TEST(ParseBudgetTest, UnclosedElementsTheEstimateMissedAreCutAtTheDepthLimit) {
  for (const char* unit : {"<optgroup>", "<rb>", "<div>"}) {
    const std::string html = "<p>start" + repeated(unit, 300000);
    const CpuTimer timer;
    const GumboDocument doc(html, one_second());
    EXPECT_LT(timer.seconds(), 1.5) << unit;
    EXPECT_EQ(doc.cut(), ParseCut::kDepth) << unit;
    EXPECT_GT(doc.parsed_length(), 1000u) << unit;
    EXPECT_LE(max_element_depth(doc.output()->document), 512u) << unit;
    const std::string note = parse_cut_note(doc, html.size());
    EXPECT_TRUE(starts_with(note, note_start("elements nested more than 512 deep"))) << note;
  }
}

// Regression: 1 MB of <rt> outside <ruby> took 299 s of CPU inside gumbo_parse_with_options.
TEST(ParseBudgetTest, QuadraticRubyAnnotationsStayWithinTheCpuBudget) {
  const std::string html = "<p>start" + repeated("<rt>", 250000);
  const CpuTimer timer;
  const GumboDocument doc(html, one_second());
  EXPECT_LT(timer.seconds(), 1.5);
  EXPECT_EQ(doc.cut(), ParseCut::kDepth) << parse_cut_note(doc, html.size());
  EXPECT_GT(doc.parsed_length(), 1000u);
  EXPECT_LE(max_element_depth(doc.output()->document), 512u);
}

TEST(ParseBudgetTest, PastTheCpuBudgetAShorterPrefixIsParsed) {
  ParseBudget budget;
  budget.max_cpu = std::chrono::milliseconds(300);
  budget.max_depth = 1u << 30;  // let the quadratic shape run into the time limit
  const std::string html = "<p>start" + repeated("<rt>", 250000);
  const CpuTimer timer;
  const GumboDocument doc(html, budget);
  EXPECT_LT(timer.seconds(), 0.6);
  EXPECT_EQ(doc.cut(), ParseCut::kTime);
  EXPECT_GT(doc.parsed_length(), 1000u);
  EXPECT_LT(doc.parsed_length(), html.size() / 16);
  EXPECT_EQ(html[doc.parsed_length()], '<');
  const std::string note = parse_cut_note(doc, html.size());
  EXPECT_TRUE(starts_with(note, note_start("parsing it takes more than 0.3 s"))) << note;
  EXPECT_EQ(note.substr(note.size() - 28), " of its 976.6 KiB were saved");
}

// Regression: 31 MiB of <br> (under the 32 MiB page limit) is 8 million elements; gumbo's
// tree of them peaked at 1.8 GB, built twice.
TEST(ParseBudgetTest, MillionsOfElementsAreCutAtTheMemoryBudget) {
  const std::string html = "<p>start" + repeated("<br>", (31u << 20) / 4);
  const CpuTimer timer;
  const GumboDocument doc(html);
  EXPECT_LT(timer.seconds(), 4.5);
  EXPECT_EQ(doc.cut(), ParseCut::kMemory);
  EXPECT_GT(doc.parsed_length(), 100000u);
  EXPECT_EQ(html[doc.parsed_length()], '<');
  const std::string note = parse_cut_note(doc, html.size());
  EXPECT_TRUE(starts_with(note, note_start("parsing it needs more than 48 MiB of memory"))) << note;
  EXPECT_EQ(note, note_start("parsing it needs more than 48 MiB of memory") +
                      "983.0 KiB of its 31.0 MiB were saved");
}

TEST(ParseBudgetTest, NothingFittingLeavesAnEmptyDocument) {
  ParseBudget budget;
  budget.max_bytes = 1;  // not even gumbo's first chunk
  const GumboDocument doc("<p>hello", budget);
  EXPECT_EQ(doc.cut(), ParseCut::kMemory);
  EXPECT_EQ(doc.parsed_length(), 0u);
  ASSERT_NE(doc.output(), nullptr);
  EXPECT_EQ(parse_cut_note(doc, 8),
            "the page's markup is too complex to save in full (parsing it needs more than 0 MiB "
            "of memory): the first 0 bytes of its 8 bytes were saved");
}

// What a save makes of a page past the budget: the HTML up to the cut, the note in a <meta>
// of the rewritten document, and the text of the whole page for search.
TEST(ParseBudgetTest, APageCutShortKeepsItsTextAndSaysWhereItWasCut) {
  const std::string html = "<title>Deep</title><p>start" + repeated("<optgroup>", 100000) +
                           "<p>the very end</p>";
  const PreparedPage page = prepare_page(html);
  EXPECT_EQ(page.text.title, "Deep");
  EXPECT_NE(page.text.text.find("start"), std::string::npos);
  EXPECT_NE(page.text.text.find("the very end"), std::string::npos);
  EXPECT_LT(page.html.size(), 10000u);
  EXPECT_EQ(page.note, note_start("elements nested more than 512 deep") + "5.0 KiB of its 976.6 KiB were saved");
  const std::string meta = "<meta name=\"linksnap-note\" content=\"" + page.note + "\">";
  EXPECT_EQ(page.html.substr(0, 22 + meta.size() + 19),
            "<meta charset=\"utf-8\">" + meta + "<title>Deep</title>")
      << page.html.substr(0, 300);
  // The rewriter parses the cut page whole and keeps the note; cutting itself, it adds its own.
  const auto keep = [](const std::string&, ResourceKind) { return std::optional<std::string>(); };
  const std::string out = rewrite_html(page.html, "https://example.com/", keep);
  EXPECT_NE(out.find(meta), std::string::npos);
  EXPECT_EQ(out.find("linksnap-note"), out.rfind("linksnap-note"));
  const std::string direct = rewrite_html(html, "https://example.com/", keep);
  EXPECT_NE(direct.find("<meta name=\"linksnap-note\" content=\"" +
                        note_start("elements nested more than 512 deep")),
            std::string::npos)
      << direct.substr(0, 600);
}

}  // namespace
}  // namespace linksnap::capture
