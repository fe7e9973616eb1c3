/// The languages the highlighter knows, as tables.
extension SyntaxLanguage {
    private static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }

    private static let cStyleComments = BlockComment(open: "/*", close: "*/")

    public static let swift = SyntaxLanguage(
        name: "swift", aliases: [],
        keywords: words(
            """
            actor any as associatedtype async await break case catch class continue convenience default defer \
            deinit didSet do dynamic else enum extension fallthrough false fileprivate final for func get guard \
            if import in indirect infix init inout internal is isolated lazy let mutating nil nonisolated \
            nonmutating open operator optional override package postfix precedencegroup prefix private \
            protocol public repeat required rethrows return self Self set some static struct subscript super \
            switch throw throws true try typealias unowned var weak where while willSet consuming borrowing
            """),
        types: words("Int Int8 Int16 Int32 Int64 UInt UInt8 UInt16 UInt32 UInt64 Double Float Bool String Character"),
        lineComments: ["//"],
        blockComment: BlockComment(open: "/*", close: "*/", nests: true),
        strings: [
            StringRule(open: "#\"\"\"", close: "\"\"\"#", escapes: false, multiline: true),
            StringRule(open: "\"\"\"", close: "\"\"\"", multiline: true),
            StringRule(open: "#\"", close: "\"#", escapes: false),
            StringRule(open: "\"", close: "\""),
        ],
        attributeKind: .keyword,
        hashDirectives: true
    )

    public static let python = SyntaxLanguage(
        name: "python", aliases: ["py", "python3", "py3", "pyi", "ipython", "sage"],
        keywords: words(
            """
            and as assert async await break class continue def del elif else except False finally for from \
            global if import in is lambda None nonlocal not or pass raise return True try while with yield \
            match case self cls
            """),
        types: words("int float complex str bytes bytearray bool list dict set frozenset tuple object type range"),
        lineComments: ["#"],
        strings: [
            StringRule(open: "\"\"\"", close: "\"\"\"", multiline: true),
            StringRule(open: "'''", close: "'''", multiline: true),
            StringRule(open: "\"", close: "\""),
            StringRule(open: "'", close: "'"),
        ],
        stringPrefixes: words("r u b f rb br fr rf R U B F Rb rB RB Br bR BR Fr fR FR Rf rF RF"),
        attributeKind: .function
    )

    private static let javascriptKeywords = words(
        """
        async await break case catch class const continue debugger default delete do else export extends \
        false finally for from function get if import in instanceof let new null of return set static super \
        switch this throw true try typeof undefined var void while with yield
        """)

    private static let javascriptStrings = [
        StringRule(open: "\"", close: "\""),
        StringRule(open: "'", close: "'"),
        StringRule(open: "`", close: "`", multiline: true),
    ]

    public static let javascript = SyntaxLanguage(
        name: "javascript", aliases: ["js", "jsx", "mjs", "cjs", "node", "nodejs"],
        keywords: javascriptKeywords,
        lineComments: ["//"], blockComment: cStyleComments, strings: javascriptStrings,
        identifierExtras: Set("$".utf8), attributeKind: .function
    )

    public static let typescript = SyntaxLanguage(
        name: "typescript", aliases: ["ts", "tsx", "mts", "cts"],
        keywords: javascriptKeywords.union(
            words(
                """
                abstract as asserts declare enum implements infer interface is keyof namespace never private \
                protected public readonly satisfies type unique unknown
                """)),
        types: words("any boolean number string symbol bigint object"),
        lineComments: ["//"], blockComment: cStyleComments, strings: javascriptStrings,
        identifierExtras: Set("$".utf8), attributeKind: .function
    )

    public static let rust = SyntaxLanguage(
        name: "rust", aliases: ["rs"],
        keywords: words(
            """
            as async await break const continue crate dyn else enum extern false fn for if impl in let loop \
            match mod move mut pub ref return self Self static struct super trait true type union unsafe use \
            where while
            """),
        types: words("i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str"),
        lineComments: ["//"],
        blockComment: BlockComment(open: "/*", close: "*/", nests: true),
        strings: [
            StringRule(open: "r#\"", close: "\"#", escapes: false, multiline: true),
            StringRule(open: "br\"", close: "\"", escapes: false, multiline: true),
            StringRule(open: "r\"", close: "\"", escapes: false, multiline: true),
            StringRule(open: "\"", close: "\"", multiline: true),
        ],
        stringPrefixes: ["b"],
        bangMacros: true,
        lifetimes: true
    )

    public static let go = SyntaxLanguage(
        name: "go", aliases: ["golang"],
        keywords: words(
            """
            break case chan const continue default defer else fallthrough for func go goto if import interface \
            map package range return select struct switch type var true false nil iota
            """),
        types: words(
            """
            any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune \
            string uint uint8 uint16 uint32 uint64 uintptr
            """),
        capitalizedTypes: false,
        lineComments: ["//"], blockComment: cStyleComments,
        strings: [
            StringRule(open: "`", close: "`", escapes: false, multiline: true),
            StringRule(open: "\"", close: "\""),
            StringRule(open: "'", close: "'"),
        ]
    )

    private static let cKeywords = words(
        """
        auto break case const continue default do else enum extern for goto if inline register restrict return \
        sizeof static struct switch typedef union volatile while _Alignas _Alignof _Atomic _Generic _Noreturn \
        _Static_assert _Thread_local NULL true false
        """)

    private static let cTypes = words(
        """
        void char short int long float double signed unsigned _Bool bool size_t ssize_t ptrdiff_t intptr_t \
        uintptr_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t wchar_t FILE
        """)

    private static let cStrings = [StringRule(open: "\"", close: "\""), StringRule(open: "'", close: "'")]

    public static let c = SyntaxLanguage(
        name: "c", aliases: ["h", "objc", "objective-c", "objectivec"],
        keywords: cKeywords, types: cTypes,
        lineComments: ["//"], blockComment: cStyleComments, strings: cStrings,
        attributeKind: .keyword, hashDirectives: true
    )

    public static let cpp = SyntaxLanguage(
        name: "cpp", aliases: ["c++", "cxx", "cc", "hpp", "hh", "hxx", "h++", "cuda", "arduino", "ino"],
        keywords: cKeywords.union(
            words(
                """
                alignas alignof and asm catch class co_await co_return co_yield concept consteval constexpr \
                constinit const_cast decltype delete dynamic_cast explicit export final friend mutable namespace \
                new noexcept not nullptr operator or override private protected public reinterpret_cast requires \
                static_assert static_cast template this throw try typeid typename using virtual
                """)),
        types: cTypes.union(words("auto string vector map")),
        lineComments: ["//"], blockComment: cStyleComments, strings: cStrings,
        hashDirectives: true
    )

    public static let shell = SyntaxLanguage(
        name: "shell",
        aliases: [
            "sh", "bash", "zsh", "ksh", "dash", "fish", "console", "shell-session", "shellsession",
            "sh-session", "terminal", "shellscript",
        ],
        keywords: words(
            """
            if then else elif fi for while until do done case esac in function select return exit break \
            continue local export readonly declare unset source alias set shift trap eval exec
            """),
        capitalizedTypes: false,
        lineComments: ["#"], lineCommentsAtWordStart: true,
        strings: [
            StringRule(open: "\"", close: "\"", multiline: true),
            StringRule(open: "'", close: "'", escapes: false, multiline: true),
        ],
        operators: Set("|&;<>=!".utf8),
        dollarVariables: true
    )

    public static let json = SyntaxLanguage(
        name: "json", aliases: ["jsonc", "json5", "jsonl", "ndjson", "geojson", "webmanifest"],
        keywords: words("true false null"),
        capitalizedTypes: false,
        lineComments: ["//"], blockComment: cStyleComments,
        strings: [StringRule(open: "\"", close: "\"")],
        operators: Set("-+".utf8)
    )

    public static let diff = SyntaxLanguage(name: "diff", aliases: ["patch", "udiff", "git-diff"], isDiff: true)
}
