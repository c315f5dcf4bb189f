import { graphql } from '../gql';

// The region dashboard's two requests: the region with its targets and progress (what makes the
// page usable; the router starts it while the page's code loads), then its members with theirs
// for the map and the comparison. The map's boundaries are fetched in parallel.
export const RegionDashboardDocument = graphql(`
  query RegionDashboard($code: String!) {
    jurisdiction(code: $code) {
      id
      code
      name
      kind
      regionType
      targets(first: 100) {
        nodes {
          ...TargetProgressFields
        }
      }
    }
  }
`);

export const RegionMembersDocument = graphql(`
  query RegionMembers($code: String!) {
    jurisdiction(code: $code) {
      id
      members {
        id
        code
        name
        targets(first: 100) {
          nodes {
            ...MemberTargetFields
          }
        }
      }
    }
  }
`);
