// A small, strict JSON reader and writer: the binding reads the JSON the C
// ABI returns (outputs, status, validation reports) and writes inputs. It is
// here because netstandard2.0 has no JSON API and System.Text.Json is not part
// of Mono. It reads RFC 8259 JSON and nothing else, keeps each value's place
// in the text (so a member can be handed on byte for byte), and writes
// strings escaped as the library's serde_json writes them.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Continuity
{
    /// <summary>The kinds of JSON value.</summary>
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>Text that is not the JSON the binding expected.</summary>
    internal sealed class JsonFormatException : FormatException
    {
        public JsonFormatException(string message) : base(message)
        {
        }
    }

    /// <summary>One parsed JSON value, with its place in the source text.</summary>
    internal sealed class JsonValue
    {
        private static readonly List<KeyValuePair<string, JsonValue>> NoMembers = new List<KeyValuePair<string, JsonValue>>();
        private static readonly List<JsonValue> NoItems = new List<JsonValue>();

        private readonly string source;
        private readonly string text;
        private readonly List<KeyValuePair<string, JsonValue>> members;
        private readonly List<JsonValue> items;

        internal JsonValue(JsonKind kind, string source, int start, int end, string text,
            List<KeyValuePair<string, JsonValue>> members, List<JsonValue> items)
        {
            Kind = kind;
            this.source = source;
            Start = start;
            End = end;
            this.text = text;
            this.members = members ?? NoMembers;
            this.items = items ?? NoItems;
        }

        public JsonKind Kind { get; private set; }

        /// <summary>Where the value starts in the source text (a char offset).</summary>
        public int Start { get; private set; }

        /// <summary>Where the value ends in the source text (exclusive).</summary>
        public int End { get; private set; }

        /// <summary>The value exactly as written in the source text.</summary>
        public string Raw
        {
            get { return source.Substring(Start, End - Start); }
        }

        /// <summary>An object's members, in the order written.</summary>
        public IList<KeyValuePair<string, JsonValue>> Members
        {
            get { return members; }
        }

        /// <summary>An array's items.</summary>
        public IList<JsonValue> Items
        {
            get { return items; }
        }

        /// <summary>The first member named <paramref name="key"/> of an object, or null.</summary>
        public JsonValue Get(string key)
        {
            foreach (var member in members)
            {
                if (member.Key == key)
                {
                    return member.Value;
                }
            }
            return null;
        }

        /// <summary>A member that must be there.</summary>
        public JsonValue Required(string key)
        {
            Expect(JsonKind.Object, "an object");
            var value = Get(key);
            if (value == null)
            {
                throw new JsonFormatException("the member `" + key + "` is missing");
            }
            return value;
        }

        public string AsString()
        {
            Expect(JsonKind.String, "a string");
            return text;
        }

        /// <summary>A string, or null for JSON null.</summary>
        public string AsStringOrNull()
        {
            return Kind == JsonKind.Null ? null : AsString();
        }

        public bool AsBool()
        {
            if (Kind == JsonKind.True)
            {
                return true;
            }
            Expect(JsonKind.False, "true or false");
            return false;
        }

        /// <summary>A whole number from 0 to 2^64 - 1, written without fraction or exponent.</summary>
        public ulong AsUInt64()
        {
            Expect(JsonKind.Number, "a number");
            ulong value;
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                throw new JsonFormatException("`" + text + "` is not a whole number from 0 to 2^64 - 1");
            }
            return value;
        }

        /// <summary>A whole number from 0 to <see cref="long.MaxValue"/>.</summary>
        public long AsNonNegativeInt64()
        {
            var value = AsUInt64();
            if (value > long.MaxValue)
            {
                throw new JsonFormatException("`" + text + "` is larger than a long holds");
            }
            return (long)value;
        }

        /// <summary>A non-negative whole number, or null for JSON null.</summary>
        public long? AsNonNegativeInt64OrNull()
        {
            return Kind == JsonKind.Null ? (long?)null : AsNonNegativeInt64();
        }

        private void Expect(JsonKind kind, string what)
        {
            if (Kind != kind)
            {
                throw new JsonFormatException("expected " + what + ", found " + Describe());
            }
        }

        private string Describe()
        {
            switch (Kind)
            {
                case JsonKind.Object: return "an object";
                case JsonKind.Array: return "an array";
                case JsonKind.String: return "a string";
                case JsonKind.Number: return "the number " + text;
                case JsonKind.Null: return "null";
                default: return Kind == JsonKind.True ? "true" : "false";
            }
        }
    }

    /// <summary>Reads JSON text (RFC 8259, strict: no comments, no trailing commas).</summary>
    internal static class JsonReader
    {
        /// <summary>How deep arrays and objects may nest (the library's own limit is lower).</summary>
        public const int MaxDepth = 512;

        /// <summary>Parses exactly one JSON value, with nothing but whitespace around it.</summary>
        /// <exception cref="JsonFormatException">The text is not one well-formed JSON value; the message gives the line and column.</exception>
        public static JsonValue Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException("text");
            }
            var parser = new Parser(text);
            parser.SkipWhitespace();
            var value = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (!parser.AtEnd)
            {
                throw parser.Error("unexpected text after the JSON value");
            }
            return value;
        }

        private sealed class Parser
        {
            private readonly string text;
            private readonly StringBuilder buffer = new StringBuilder();
            private int position;

            public Parser(string text)
            {
                this.text = text;
            }

            public bool AtEnd
            {
                get { return position >= text.Length; }
            }

            public void SkipWhitespace()
            {
                while (position < text.Length)
                {
                    var c = text[position];
                    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                    {
                        return;
                    }
                    position++;
                }
            }

            public JsonValue ParseValue(int depth)
            {
                if (AtEnd)
                {
                    throw Error("expected a JSON value, found the end of the text");
                }
                var start = position;
                switch (text[position])
                {
                    case '{':
                        return ParseObject(depth);
                    case '[':
                        return ParseArray(depth);
                    case '"':
                        var s = ParseString();
                        return new JsonValue(JsonKind.String, text, start, position, s, null, null);
                    case 't':
                        return Literal("true", JsonKind.True);
                    case 'f':
                        return Literal("false", JsonKind.False);
                    case 'n':
                        return Literal("null", JsonKind.Null);
                    default:
                        var c = text[position];
                        if (c == '-' || (c >= '0' && c <= '9'))
                        {
                            return ParseNumber();
                        }
                        throw Error("expected a JSON value, found " + Show(c));
                }
            }

            private JsonValue ParseObject(int depth)
            {
                var start = position;
                CheckDepth(depth);
                position++;
                var members = new List<KeyValuePair<string, JsonValue>>();
                SkipWhitespace();
                if (Peek() == '}')
                {
                    position++;
                    return new JsonValue(JsonKind.Object, text, start, position, null, members, null);
                }
                while (true)
                {
                    SkipWhitespace();
                    if (Peek() != '"')
                    {
                        throw Error("expected a member name in double quotes");
                    }
                    var key = ParseString();
                    SkipWhitespace();
                    if (Peek() != ':')
                    {
                        throw Error("expected `:` after a member name");
                    }
                    position++;
                    SkipWhitespace();
                    members.Add(new KeyValuePair<string, JsonValue>(key, ParseValue(depth + 1)));
                    SkipWhitespace();
                    var next = Peek();
                    position++;
                    if (next == '}')
                    {
                        return new JsonValue(JsonKind.Object, text, start, position, null, members, null);
                    }
                    if (next != ',')
                    {
                        position--;
                        throw Error("expected `,` or `}` in an object");
                    }
                }
            }

            private JsonValue ParseArray(int depth)
            {
                var start = position;
                CheckDepth(depth);
                position++;
                var items = new List<JsonValue>();
                SkipWhitespace();
                if (Peek() == ']')
                {
                    position++;
                    return new JsonValue(JsonKind.Array, text, start, position, null, null, items);
                }
                while (true)
                {
                    SkipWhitespace();
                    items.Add(ParseValue(depth + 1));
                    SkipWhitespace();
                    var next = Peek();
                    position++;
                    if (next == ']')
                    {
                        return new JsonValue(JsonKind.Array, text, start, position, null, null, items);
                    }
                    if (next != ',')
                    {
                        position--;
                        throw Error("expected `,` or `]` in an array");
                    }
                }
            }

            private string ParseString()
            {
                position++; // the opening quote
                buffer.Length = 0;
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Error("a string is not closed");
                    }
                    var c = text[position];
                    if (c == '"')
                    {
                        position++;
                        return buffer.ToString();
                    }
                    if (c < 0x20)
                    {
                        throw Error("a control character must be escaped in a string");
                    }
                    if (c != '\\')
                    {
                        buffer.Append(c);
                        position++;
                        continue;
                    }
                    position++;
                    if (AtEnd)
                    {
                        throw Error("a string is not closed");
                    }
                    var escape = text[position];
                    position++;
                    switch (escape)
                    {
                        case '"': buffer.Append('"'); break;
                        case '\\': buffer.Append('\\'); break;
                        case '/': buffer.Append('/'); break;
                        case 'b': buffer.Append('\b'); break;
                        case 'f': buffer.Append('\f'); break;
                        case 'n': buffer.Append('\n'); break;
                        case 'r': buffer.Append('\r'); break;
                        case 't': buffer.Append('\t'); break;
                        case 'u': buffer.Append(ParseHex4()); break;
                        default:
                            position--;
                            throw Error("unknown escape `\\" + escape + "` in a string");
                    }
                }
            }

            private char ParseHex4()
            {
                if (position + 4 > text.Length)
                {
                    throw Error("a `\\u` escape needs four hex digits");
                }
                var value = 0;
                for (var i = 0; i < 4; i++)
                {
                    var c = text[position];
                    int digit;
                    if (c >= '0' && c <= '9')
                    {
                        digit = c - '0';
                    }
                    else if (c >= 'a' && c <= 'f')
                    {
                        digit = c - 'a' + 10;
                    }
                    else if (c >= 'A' && c <= 'F')
                    {
                        digit = c - 'A' + 10;
                    }
                    else
                    {
                        throw Error("a `\\u` escape needs four hex digits");
                    }
                    value = value * 16 + digit;
                    position++;
                }
                // Surrogates are kept as they come: a pair written as two
                // escapes makes the same .NET string as the character itself.
                return (char)value;
            }

            private JsonValue ParseNumber()
            {
                var start = position;
                if (Peek() == '-')
                {
                    position++;
                }
                if (Peek() == '0')
                {
                    position++;
                }
                else if (IsDigit(Peek()))
                {
                    while (IsDigit(Peek()))
                    {
                        position++;
                    }
                }
                else
                {
                    throw Error("expected a digit in a number");
                }
                if (Peek() == '.')
                {
                    position++;
                    if (!IsDigit(Peek()))
                    {
                        throw Error("expected a digit after the decimal point");
                    }
                    while (IsDigit(Peek()))
                    {
                        position++;
                    }
                }
                if (Peek() == 'e' || Peek() == 'E')
                {
                    position++;
                    if (Peek() == '+' || Peek() == '-')
                    {
                        position++;
                    }
                    if (!IsDigit(Peek()))
                    {
                        throw Error("expected a digit in an exponent");
                    }
                    while (IsDigit(Peek()))
                    {
                        position++;
                    }
                }
                var token = text.Substring(start, position - start);
                return new JsonValue(JsonKind.Number, text, start, position, token, null, null);
            }

            private JsonValue Literal(string word, JsonKind kind)
            {
                var start = position;
                if (string.CompareOrdinal(text, position, word, 0, word.Length) != 0)
                {
                    throw Error("expected a JSON value, found " + Show(text[position]));
                }
                position += word.Length;
                return new JsonValue(kind, text, start, position, word, null, null);
            }

            private void CheckDepth(int depth)
            {
                if (depth >= MaxDepth)
                {
                    throw Error("arrays and objects nest deeper than " + MaxDepth + " levels");
                }
            }

            private char Peek()
            {
                return AtEnd ? '\0' : text[position];
            }

            private static bool IsDigit(char c)
            {
                return c >= '0' && c <= '9';
            }

            private static string Show(char c)
            {
                return c < 0x20 ? string.Format(CultureInfo.InvariantCulture, "U+{0:X4}", (int)c) : "`" + c + "`";
            }

            /// <summary>An error at the current position, with its line and column (from 1).</summary>
            public JsonFormatException Error(string message)
            {
                var line = 1;
                var column = 1;
                var end = Math.Min(position, text.Length);
                for (var i = 0; i < end; i++)
                {
                    if (text[i] == '\n')
                    {
                        line++;
                        column = 1;
                    }
                    else
                    {
                        column++;
                    }
                }
                return new JsonFormatException(string.Format(CultureInfo.InvariantCulture,
                    "line {0}, column {1}: {2}", line, column, message));
            }
        }
    }

    /// <summary>
    /// Writes JSON objects member by member, compact (<c>{"a":1}</c>, for
    /// inputs) or spaced as a trace line writes them (<c>{"a": 1}</c>).
    /// </summary>
    internal sealed class JsonWriter
    {
        private readonly StringBuilder builder = new StringBuilder();
        private readonly string comma;
        private readonly string colon;
        private bool first = true;

        public JsonWriter(bool spaced)
        {
            comma = spaced ? ", " : ",";
            colon = spaced ? ": " : ":";
            builder.Append('{');
        }

        public JsonWriter String(string key, string value)
        {
            Key(key);
            if (value == null)
            {
                builder.Append("null");
            }
            else
            {
                Quote(builder, value);
            }
            return this;
        }

        public JsonWriter Number(string key, long value)
        {
            Key(key);
            builder.Append(value.ToString(CultureInfo.InvariantCulture));
            return this;
        }

        public JsonWriter Bool(string key, bool value)
        {
            Key(key);
            builder.Append(value ? "true" : "false");
            return this;
        }

        /// <summary>A member whose value is JSON text already.</summary>
        public JsonWriter Raw(string key, string json)
        {
            Key(key);
            builder.Append(json);
            return this;
        }

        /// <summary>Closes the object and returns its text.</summary>
        public string Finish()
        {
            builder.Append('}');
            return builder.ToString();
        }

        private void Key(string key)
        {
            if (!first)
            {
                builder.Append(comma);
            }
            first = false;
            Quote(builder, key);
            builder.Append(colon);
        }

        /// <summary>
        /// Appends <paramref name="value"/> as a JSON string, escaped as
        /// serde_json escapes it: <c>\"</c>, <c>\\</c>, the short escapes
        /// for backspace, form feed, newline, carriage return and tab, and
        /// <c>\u00xx</c> (lower-case hex) for the other control characters;
        /// everything else as it is.
        /// </summary>
        public static void Quote(StringBuilder builder, string value)
        {
            builder.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\b': builder.Append("\\b"); break;
                    case '\f': builder.Append("\\f"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            builder.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }
                        break;
                }
            }
            builder.Append('"');
        }

        /// <summary><paramref name="value"/> as a JSON string.</summary>
        public static string Quote(string value)
        {
            var builder = new StringBuilder(value.Length + 2);
            Quote(builder, value);
            return builder.ToString();
        }
    }
}
