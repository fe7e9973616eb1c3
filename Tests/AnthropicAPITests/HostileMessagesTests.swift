import Testing

@testable import AnthropicAPI

/// Each odd answer gets a true sentence: wrong-shaped JSON, encodings, redirects, HTML pages, bad base URLs.
@Suite struct HostileMessagesTests {
    @Test func wrongShapedStreamEventIsNotCalledInvalidJSON() {
        let sse = ServerSentEvent(event: "message_start", data: #"{"type": 42}"#)
        do throws(APIError) {
            _ = try StreamEvent.decode(sse)
            Issue.record("accepted a wrong-shaped event")
        } catch {
            #expect(error.kind == .malformedResponse)
            #expect(error.message.contains("JSON but not an event"), "\(error.message)")
            #expect(!error.message.contains("not valid JSON"))
        }
        do throws(APIError) { _ = try StreamEvent.decode(ServerSentEvent(data: "{nope")) } catch {
            #expect(error.message.contains("not valid JSON")) // real syntax errors still say so
        }
    }

    @Test func wrongShapedMessageSaysWhatWasExpected() throws {
        for text in ["[1,2,3]", "\"hi\"", #"{"id": "x"}"#] {
            let json = try JSONValue.parse(text)
            do throws(APIError) {
                _ = try Message(json: json)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.message.contains("not a message"), "\(error.message)")
                #expect(error.message.contains("expected an object"))
            }
        }
    }

    @Test func wrongShapedErrorBody() {
        let error = APIError(status: 500, headers: HTTPHeaders(), body: Array(#"{"error": "boom"}"#.utf8))
        #expect(error.kind == .apiError)
        #expect(error.message.contains("not the API's error shape"), "\(error.message)")
    }

    @Test func compressedBodiesAreNamed() {
        let headers = HTTPHeaders([("content-encoding", "gzip")])
        let error = APIError(status: 502, headers: headers, body: [0x1F, 0x8B, 8, 0, 0, 0])
        #expect(error.message.contains("gzip-encoded body"), "\(error.message)")
        #expect(error.message.contains("did not ask for"))
        let unlabelled = APIError(status: 500, headers: HTTPHeaders(), body: [0x1F, 0x8B, 8, 0, 0, 0])
        #expect(unlabelled.message.contains("gzip-compressed"))
        #expect(APIError.unrequestedEncoding(HTTPHeaders([("content-encoding", "identity")])) == nil)
        #expect(APIError.unrequestedEncoding(HTTPHeaders([("content-encoding", "BR")])) == "br")
    }

    @Test func redirectNamesOnlyTheHost() {
        let error = APIError(
            redirectStatus: 301,
            headers: HTTPHeaders([("location", "https://user:secret@evil.example:8443/v1/messages?k=1")]))
        #expect(error.kind == .redirected)
        #expect(error.httpStatus == 301)
        #expect(error.message.contains("evil.example:8443"))
        #expect(!error.message.contains("secret"))
        #expect(!error.message.contains("/v1/messages"))
        #expect(APIError.sanitizedHost(of: "https://\u{1B}]52;c;aGk=\u{07}evil.example/") == "]52cagkevil.example")
        #expect(APIError.sanitizedHost(of: "/elsewhere") == "another path on this server")
        #expect(APIError.sanitizedHost(of: "javascript:alert(1)") == "an unreadable place")
    }

    @Test func htmlTitlesArePlainAndShort() {
        let page =
            "<html><head><title id=\"t\">502 Bad\u{1B}[2J &amp; Gateway\u{202E} \n  <b>x</b></title></head></html>"
        let text = APIError.describeNonJSONBody(Array(page.utf8), contentType: "text/html")
        #expect(
            text
                == "the server sent an HTML page titled \"502 Bad & Gateway<U+202E> x\" (a proxy or gateway, not the API)"
        )
        let long = "<title>" + String(repeating: "a", count: 500) + "</title>"
        #expect(APIError.describeNonJSONBody(Array(long.utf8), contentType: nil).count < 220)
    }

    @Test(arguments: [
        "http://127.0.0.1:8089\r\n", "http://127.0.0.1:8089/\nX-Injected: 1", "http://127.0.0.1:80 89",
        "http://127.0.0.1:8089/\u{1B}[2J", "http://127.0.0.1:8089/\u{202E}", "http://127.0.0.1:8089\u{85}",
        "http://127.0.0.1\t:8089",
    ])
    func controlCharactersInTheBaseURLAreAConfigurationError(_ url: String) {
        do throws(APIError) {
            _ = try Endpoint(url)
            Issue.record("accepted \(url.debugDescription)")
        } catch {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("contains"), "\(error.message)")
            #expect(!error.message.contains("\r") && !error.message.contains("\n") && !error.message.contains("\u{1B}"))
        }
    }

    @Test func surroundingSpacesAreStillForgiven() throws {
        #expect(try Endpoint("  http://127.0.0.1:8089/  ").normalized == "http://127.0.0.1:8089")
    }
}
