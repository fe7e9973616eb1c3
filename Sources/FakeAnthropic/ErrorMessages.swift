/// The messages of the real API's common errors, word for word.
enum ErrorMessages {
    static let missingKey = "x-api-key header is required"
    static let invalidKey = "invalid x-api-key"
    static let forbidden = "Your API key does not have permission to use the specified resource."
    static let billing =
        "Your organization has a billing issue. Please check your payment method in Plans & Billing in the Anthropic Console."
    static let noCredit =
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
    static let missingVersion = "anthropic-version: header is required"
    static let tooLarge = "Request exceeds the maximum allowed number of bytes."
}
