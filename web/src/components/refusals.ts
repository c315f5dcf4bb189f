// The refusals every mutation union may answer with, as fragments to spread into each result
// (a spread on a member type is valid in any union that holds it). RefusalNotice shows them.
import { graphql } from '../gql';

export const RefusalFragments = [
  graphql(`
    fragment NotAllowedFields on NotAllowed {
      message
      code
      messageNl
    }
  `),
  graphql(`
    fragment NotFoundFields on NotFound {
      message
      code
      messageNl
    }
  `),
  graphql(`
    fragment InvalidInputFields on InvalidInput {
      message
      code
      messageNl
      field
    }
  `),
  graphql(`
    fragment InvalidStateFields on InvalidState {
      message
      code
      messageNl
    }
  `),
  graphql(`
    fragment RateLimitedFields on RateLimited {
      message
      code
      messageNl
      retryAfterSeconds
    }
  `),
];
