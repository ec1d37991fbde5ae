// The binding's own JSON reader and writer: strict, exact, and with the
// escapes serde_json writes.

using System;
using System.Text;

namespace Continuity.Tests
{
    internal static class JsonTests
    {
        public static void Register(Harness harness)
        {
            harness.Run("json: strings decode every escape, surrogate pairs included", () =>
            {
                var value = JsonReader.Parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 \u6771\"");
                Assert.Equal("a\"b\\c/d\b\f\n\r\t\u00e9\U0001F600 \u6771", value.AsString(), "the decoded string");
            });

            harness.Run("json: members keep their order and their raw text", () =>
            {
                var text = " { \"b\" : [1, {\"x\": null}] , \"a\":\"z\" } ";
                var value = JsonReader.Parse(text);
                Assert.Equal(JsonKind.Object, value.Kind, "the kind");
                Assert.Equal("b", value.Members[0].Key, "the first member");
                Assert.Equal("[1, {\"x\": null}]", value.Get("b").Raw, "the raw array");
                Assert.Equal("{ \"b\" : [1, {\"x\": null}] , \"a\":\"z\" }", value.Raw, "the raw object");
                Assert.Equal("z", value.Required("a").AsString(), "a member");
                Assert.True(value.Get("c") == null, "a missing member is null");
            });

            harness.Run("json: whole numbers read exactly up to 2^64 - 1", () =>
            {
                Assert.Equal(18446744073709551615UL, JsonReader.Parse("18446744073709551615").AsUInt64(), "the largest u64");
                Assert.Equal(9007199254740991L, JsonReader.Parse("9007199254740991").AsNonNegativeInt64(), "2^53 - 1");
                Assert.Throws<JsonFormatException>(() => JsonReader.Parse("18446744073709551616").AsUInt64(), "2^64");
                Assert.Throws<JsonFormatException>(() => JsonReader.Parse("-1").AsUInt64(), "a negative number");
                Assert.Throws<JsonFormatException>(() => JsonReader.Parse("1.5").AsUInt64(), "a fraction");
                Assert.Throws<JsonFormatException>(() => JsonReader.Parse("1e3").AsUInt64(), "an exponent");
                Assert.Equal("-0.5e+3", JsonReader.Parse("-0.5e+3").Raw, "a number with fraction and exponent parses");
            });

            harness.Run("json: malformed text is refused with line and column", () =>
            {
                var err = Assert.Throws<JsonFormatException>(() => JsonReader.Parse("{\n  \"a\": }"), "a missing value");
                Assert.StartsWith("line 2, column 8: expected a JSON value", err.Message, "the message");
                foreach (var bad in new[]
                {
                    "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "tru", "\"a", "\"\\x\"", "\"\\u12\"", "{'a':1}",
                    "[1] [2]", "{\"a\" 1}", "\"tab\there\"", "// comment\n1", "NaN", "+1", "[\"a\"\"b\"]",
                })
                {
                    Assert.Throws<JsonFormatException>(() => JsonReader.Parse(bad), "refuses " + bad);
                }
            });

            harness.Run("json: nesting deeper than the limit is refused, not a stack overflow", () =>
            {
                var deep = new string('[', 100000) + new string(']', 100000);
                var err = Assert.Throws<JsonFormatException>(() => JsonReader.Parse(deep), "deep nesting");
                Assert.Contains("nest deeper than 512 levels", err.Message, "the message");
                var ok = new string('[', 500) + new string(']', 500);
                Assert.Equal(JsonKind.Array, JsonReader.Parse(ok).Kind, "500 levels");
            });

            harness.Run("json: strings are written as serde_json writes them", () =>
            {
                Assert.Equal("\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \u007f / \u00e9\U0001F600\"",
                    JsonWriter.Quote("q\" b\\ \b\f\n\r\t \u0001\u001f \u007f / \u00e9\U0001F600"), "the quoted string");
                Assert.Equal("{\"a\":\"b\",\"n\":7,\"t\":true,\"r\":[1]}",
                    new JsonWriter(false).String("a", "b").Number("n", 7).Bool("t", true).Raw("r", "[1]").Finish(), "compact");
                Assert.Equal("{\"a\": null, \"n\": 7}", new JsonWriter(true).String("a", null).Number("n", 7).Finish(), "spaced");
                var text = new StringBuilder();
                for (var c = 0; c < 0x80; c++)
                {
                    text.Append((char)c);
                }
                Assert.Equal(text.ToString(), JsonReader.Parse(JsonWriter.Quote(text.ToString())).AsString(), "every ASCII character round-trips");
            });
        }
    }
}
