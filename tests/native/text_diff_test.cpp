#include "history/text_diff.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace linksnap::history {
namespace {

// The hunk's old side (unchanged + deleted) and new side (unchanged + inserted).
std::string side(const DiffHunk& h, DiffOp skipped) {
  std::string s;
  for (const auto& seg : h.segments) {
    if (seg.op != skipped) s += seg.text;
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> changes(const TextDiff& d) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : d.hunks) {
    for (const auto& seg : h.segments) {
      if (seg.op != DiffOp::kEqual) out.emplace_back(std::string(op_name(seg.op)), seg.text);
    }
  }
  return out;
}

TextDiff diff(std::string_view a, std::string_view b, DiffOptions options = {}) {
  TextDiff d;
  EXPECT_TRUE(diff_texts(a, b, d, options));
  return d;
}

TEST(TextDiffTest, TokensAreLatinWordsSpacesAndSingleCjkCharacters) {
  const std::vector<std::string_view> want{"Hello", ",", " ", "世", "界", " ", "naïve", "\n", "x2", "。"};
  EXPECT_EQ(diff_tokens("Hello, 世界 naïve\nx2。"), want);
}

TEST(TextDiffTest, IdenticalTextsHaveNoHunks) {
  const auto d = diff("同样的文本 same text", "同样的文本 same text");
  EXPECT_TRUE(d.identical());
  EXPECT_EQ(d.inserted_chars, 0u);
}

TEST(TextDiffTest, InsertedChineseSentenceIsTheOnlyChange) {
  const std::string before = "chrony 是一个时间同步程序。它可以使用 NTS 验证服务器。\n配置文件位于 /etc/chrony。\n";
  const std::string sentence = "新版本支持硬件时间戳。";
  const std::string after = "chrony 是一个时间同步程序。" + sentence + "它可以使用 NTS 验证服务器。\n配置文件位于 /etc/chrony。\n";
  const auto d = diff(before, after);
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(changes(d), (std::vector<std::pair<std::string, std::string>>{{"insert", sentence}}));
  EXPECT_EQ(d.inserted_chars, 11u);
  EXPECT_EQ(d.deleted_chars, 0u);
}

TEST(TextDiffTest, LatinTextChangesWordByWord) {
  const auto d = diff("the quick brown fox jumps", "the quick red fox jumps");
  EXPECT_EQ(changes(d), (std::vector<std::pair<std::string, std::string>>{{"delete", "brown"}, {"insert", "red"}}));
}

TEST(TextDiffTest, CjkTextChangesCharacterByCharacter) {
  const auto d = diff("验证机制很重要", "验证方法很重要");
  EXPECT_EQ(changes(d), (std::vector<std::pair<std::string, std::string>>{{"delete", "机制"}, {"insert", "方法"}}));
}

TEST(TextDiffTest, ContextIsCutToTheConfiguredCharacters) {
  const std::string pad(200, 'a');
  const std::string cjk_pad = "时间同步时间同步时间同步时间同步";  // 16 characters
  DiffOptions options;
  options.context_chars = 8;
  const auto d = diff(pad + " old " + cjk_pad, pad + " new " + cjk_pad, options);
  ASSERT_EQ(d.hunks.size(), 1u);
  const auto& segs = d.hunks[0].segments;
  ASSERT_EQ(segs.size(), 4u);
  EXPECT_EQ(segs.front().text, "aaaaaaa ");  // 8 characters before
  EXPECT_EQ(segs.back().text, " 时间同步时间同");  // 8 characters after
}

TEST(TextDiffTest, DistantChangesMakeSeparateHunksWithOffsets) {
  const std::string middle(500, 'm');
  const std::string before = "alpha " + middle + " omega";
  const std::string after = "ALPHA " + middle + " OMEGA";
  const auto d = diff(before, after);
  ASSERT_EQ(d.hunks.size(), 2u);
  EXPECT_EQ(d.hunks[0].old_offset, 0u);
  EXPECT_EQ(d.hunks[1].old_offset, before.size() - 5 - 40);
  EXPECT_EQ(d.hunks[1].new_offset, after.size() - 5 - 40);
}

// Whatever the input, each hunk's two sides are the texts at its offsets.
TEST(TextDiffTest, HunksReproduceBothTextsAtTheirOffsets) {
  const std::vector<std::string> words{"时间", "同步", "密钥", "验证", "chrony", "ntp", " ", "\n", "。", "server", "的"};
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> a;
    for (int i = 0; i < 60; ++i) a.push_back(words[rng() % words.size()]);
    std::vector<std::string> b = a;
    for (int edits = static_cast<int>(rng() % 6); edits > 0; --edits) {
      const std::size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0: b.erase(b.begin() + static_cast<long>(at)); break;
        case 1: b.insert(b.begin() + static_cast<long>(at), words[rng() % words.size()]); break;
        default: b[at] = words[rng() % words.size()];
      }
    }
    std::string old_text, new_text;
    for (const auto& w : a) old_text += w;
    for (const auto& w : b) new_text += w;
    const auto d = diff(old_text, new_text);
    EXPECT_EQ(d.identical(), old_text == new_text);
    for (const auto& h : d.hunks) {
      const std::string old_side = side(h, DiffOp::kInsert), new_side = side(h, DiffOp::kDelete);
      EXPECT_EQ(old_text.substr(h.old_offset, old_side.size()), old_side) << "round " << round;
      EXPECT_EQ(new_text.substr(h.new_offset, new_side.size()), new_side) << "round " << round;
    }
  }
}

TEST(TextDiffTest, BlockPastTheTokenLimitIsShownWhole) {
  DiffOptions options;
  options.max_block_tokens = 3;
  const auto d = diff("one two three four\n", "one two 3 four\n", options);
  EXPECT_EQ(changes(d), (std::vector<std::pair<std::string, std::string>>{
                            {"delete", "one two three four\n"}, {"insert", "one two 3 four\n"}}));
}

TEST(TextDiffTest, TooManyLinesIsRefused) {
  DiffOptions options;
  options.max_lines = 10;
  TextDiff d;
  EXPECT_FALSE(diff_texts(std::string(20, '\n'), "x", d, options));
  EXPECT_TRUE(d.hunks.empty());
}

TEST(TextDiffTest, InvalidUtf8IsComparedBytewise) {
  const auto d = diff("ok \xff\xfe end", "ok \xff end");
  EXPECT_EQ(changes(d), (std::vector<std::pair<std::string, std::string>>{{"delete", "\xfe"}}));
}

}  // namespace
}  // namespace linksnap::history
