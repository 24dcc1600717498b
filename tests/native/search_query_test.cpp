#include "store/cjk_tokenizer.h"
#include "store/search_query.h"
#include "test_util.h"

namespace linksnap::store {
namespace {

std::string expr(std::string_view q) {
  auto r = build_match_expression(q);
  return r.ok() ? *r : "ERROR: " + r.error().message;
}

TEST(SearchQueryTest, LatinWordsBecomePrefixPhrasesJoinedByAnd) {
  EXPECT_EQ(expr("chrony nts"), "\"chrony\"* AND \"nts\"*");
}

TEST(SearchQueryTest, CjkWordsAreNotPrefixed) {
  EXPECT_EQ(expr("密钥"), "\"密钥\"");
  EXPECT_EQ(expr("NTS密钥"), "\"NTS密钥\"");
  EXPECT_EQ(expr("密钥NTS"), "\"密钥NTS\"*");
}

TEST(SearchQueryTest, IdeographicSpaceSeparatesWords) {
  EXPECT_EQ(expr("时间\xE3\x80\x80同步"), "\"时间\" AND \"同步\"");
}

TEST(SearchQueryTest, QuotedPhrasesAreExact) {
  EXPECT_EQ(expr("\"time sync\" chrony"), "\"time sync\" AND \"chrony\"*");
  EXPECT_EQ(expr("\"unterminated phrase"), "\"unterminated phrase\"");
}

TEST(SearchQueryTest, DoubleQuotesInsideWordsAreEscaped) {
  EXPECT_EQ(expr("say\"hi"), "\"say\"\"hi\"*");
}

TEST(SearchQueryTest, ExclusionAndOr) {
  EXPECT_EQ(expr("apple -banana"), "(\"apple\"*) NOT \"banana\"*");
  EXPECT_EQ(expr("a OR b c"), "(\"a\"* OR \"b\"*) AND \"c\"*");
  EXPECT_EQ(expr("OR"), "");  // a lone OR is no word
}

TEST(SearchQueryTest, FieldPrefixesSelectAColumn) {
  EXPECT_EQ(expr("title:chrony"), "title : \"chrony\"*");
  EXPECT_EQ(expr("text:\"密钥\""), "body : \"密钥\"");
  EXPECT_EQ(expr("tags:笔记"), "tags : \"笔记\"");
  EXPECT_EQ(expr("http://x"), "\"http://x\"*");  // not a field name: searched as words
}

TEST(SearchQueryTest, PunctuationOnlyQueriesAreEmpty) {
  EXPECT_EQ(expr("  ^ * ( ) "), "");
  EXPECT_EQ(expr(""), "");
}

// Found by fuzz_search_query: a NUL inside the query made FTS5 report a syntax error.
TEST(SearchQueryTest, RegressionNulAndInvalidUtf8AreSeparators) {
  EXPECT_EQ(expr(std::string("tags:\xE7\xAC\x94 \xE9!\x00\xE8\xAF\x81", 16)),
            "tags : \"\xE7\xAC\x94\" AND \"\xEF\xBF\xBD!\"* AND \"\xE8\xAF\x81\"");
}

TEST(SearchQueryTest, OnlyExcludedWordsIsAnError) {
  EXPECT_EQ(expr("-a -b"), "ERROR: a search needs at least one word that is not excluded with '-'");
}

TEST(SnippetTest, MarkersBecomeMarkAndTextIsEscaped) {
  EXPECT_EQ(snippet_to_html("a<b>&\x02密钥\x03\"'"), "a&lt;b&gt;&amp;<mark>密钥</mark>&quot;&#39;");
}

// --- the tokenizer's pure parts ---

std::vector<std::string> tokens(std::string_view run, bool query) {
  std::vector<std::string> out;
  tokenize_cjk_run(run, query, [&](std::string_view t, std::size_t, std::size_t, bool colocated) {
    out.push_back((colocated ? "+" : "") + std::string(t));
  });
  return out;
}

TEST(CjkTokenizerTest, DocumentGetsBigramsWithColocatedUnigrams) {
  EXPECT_EQ(tokens("验证机制", false),
            (std::vector<std::string>{"验证", "+验", "证机", "+证", "机制", "+机", "制"}));
}

TEST(CjkTokenizerTest, QueryGetsConsecutiveBigramsOrTheSingleCharacter) {
  EXPECT_EQ(tokens("验证机制", true), (std::vector<std::string>{"验证", "证机", "机制"}));
  EXPECT_EQ(tokens("密", true), (std::vector<std::string>{"密"}));
  EXPECT_EQ(tokens("密钥", true), (std::vector<std::string>{"密钥"}));
}

// With tag tokens: words search the text columns or the tokens of the tags they name.
std::string expr_with_tags(std::string_view q) {
  const TagTokenLookup lookup = [](const std::string& term) -> Result<std::vector<std::int64_t>> {
    if (term == "\"dev\"*") return std::vector<std::int64_t>{3, 7};
    if (term == "\"笔记\"") return std::vector<std::int64_t>{5};
    return std::vector<std::int64_t>{};
  };
  auto r = build_match_expression(q, lookup);
  return r.ok() ? *r : "ERROR: " + r.error().message;
}

TEST(SearchQueryTest, WordsMatchTextOrTheTokensOfTagsTheyName) {
  EXPECT_EQ(expr_with_tags("dev"), "({title url body} : \"dev\"* OR tags : (\"t3\" OR \"t7\"))");
  EXPECT_EQ(expr_with_tags("chrony 笔记"),
            "{title url body} : \"chrony\"* AND ({title url body} : \"笔记\" OR tags : (\"t5\"))");
  EXPECT_EQ(expr_with_tags("tags:dev"), "tags : (\"t3\" OR \"t7\")");
  EXPECT_EQ(expr_with_tags("tags:none"), "tags : \"t0\"");  // no such tag: matches nothing
  EXPECT_EQ(expr_with_tags("title:dev"), "title : \"dev\"*");
  EXPECT_EQ(expr_with_tags("x -dev"),
            "({title url body} : \"x\"*) NOT ({title url body} : \"dev\"* OR tags : (\"t3\" OR \"t7\"))");
}

TEST(SearchQueryTest, ATagLookupErrorIsTheSearchsError) {
  const TagTokenLookup failing = [](const std::string&) -> Result<std::vector<std::int64_t>> {
    return make_error(errc::kDatabase, "disk I/O error");
  };
  EXPECT_ERROR(build_match_expression("dev", failing), errc::kDatabase, "disk I/O error");
}

TEST(CjkTokenizerTest, RunsSplitBetweenCjkAndOtherText) {
  std::vector<std::string> runs;
  const std::string text = "NTS验证 カタカナ한국어abc";
  split_cjk_runs(text, [&](bool cjk, std::size_t b, std::size_t e) {
    runs.push_back((cjk ? "C:" : "L:") + text.substr(b, e - b));
  });
  EXPECT_EQ(runs, (std::vector<std::string>{"L:NTS", "C:验证", "L: ", "C:カタカナ한국어", "L:abc"}));
}

TEST(CjkTokenizerTest, InvalidUtf8IsNotCjkAndDoesNotCrash) {
  std::vector<std::string> runs;
  const std::string text = "\xE5\xAF\x86\xFF\xE5";
  split_cjk_runs(text, [&](bool cjk, std::size_t b, std::size_t e) {
    runs.push_back((cjk ? "C:" : "L:") + std::to_string(e - b));
  });
  EXPECT_EQ(runs, (std::vector<std::string>{"C:3", "L:2"}));
}

TEST(CjkTokenizerTest, CjkRangesCoverHanKanaHangulButNotPunctuation) {
  EXPECT_TRUE(is_cjk_code_point(U'密'));
  EXPECT_TRUE(is_cjk_code_point(U'か'));
  EXPECT_TRUE(is_cjk_code_point(U'カ'));
  EXPECT_TRUE(is_cjk_code_point(U'한'));
  EXPECT_TRUE(is_cjk_code_point(U'\U00020000'));
  EXPECT_FALSE(is_cjk_code_point(U'。'));
  EXPECT_FALSE(is_cjk_code_point(U'，'));
  EXPECT_FALSE(is_cjk_code_point(U'a'));
}

TEST(SearchQueryTest, AsciiPrefixesBecomeTheirTermsWhereListed) {
  const TagTokenLookup no_tags = [](const std::string&) -> Result<std::vector<std::int64_t>> {
    return std::vector<std::int64_t>{};
  };
  std::vector<std::string> asked;
  const PrefixTermLookup terms = [&](const std::string& prefix) -> Result<std::optional<std::vector<std::string>>> {
    asked.push_back(prefix);
    if (prefix == "chr") return std::optional<std::vector<std::string>>({"chrony", "chronyc"});
    if (prefix == "a") return std::optional<std::vector<std::string>>();  // too many to list
    return std::optional<std::vector<std::string>>(std::vector<std::string>{});
  };
  auto e = build_match_expression("CHR a zq \"exact\" 时间 caf\xC3\xA9 title:chr", no_tags, terms);
  ASSERT_OK(e);
  EXPECT_EQ(*e, "{title url body} : (\"chrony\" OR \"chronyc\") AND {title url body} : \"a\"* AND "
                "{title url body} : \"zq\" AND {title url body} : \"exact\" AND {title url body} : \"时间\" AND "
                "{title url body} : \"caf\xC3\xA9\"* AND title : (\"chrony\" OR \"chronyc\")");
  EXPECT_EQ(asked, (std::vector<std::string>{"chr", "a", "zq", "chr"}));  // phrases, CJK, non-ASCII not asked
  // A word of several tokens: its last run is the prefix, after the same words before it.
  asked.clear();
  auto dotted = build_match_expression("nts.CHR time. x-a", no_tags, terms);
  ASSERT_OK(dotted);
  EXPECT_EQ(*dotted, "{title url body} : (\"nts.chrony\" OR \"nts.chronyc\") AND {title url body} : \"time\" AND "
                     "{title url body} : \"x-a\"*");
  EXPECT_EQ(asked, (std::vector<std::string>{"chr", "time", "a"}));
}

}  // namespace
}  // namespace linksnap::store
