import { routeList } from '../../functions/routes';
import { MAX_STACK_RESOURCES, ROUTE_AREAS, ROUTE_RESOURCE_COST, routeArea, type RouteArea } from '../../lib/route-areas';
import { CONFIGURATIONS, type ConfigurationName } from '../support/synth-configurations';
import { useSynthesis } from '../support/synthesis';

/**
 * Headroom: CloudFormation refuses a stack of more than 500 resources. The application stack
 * holds the table, API, authorizers, console, reports and monitoring; each area of routes is a
 * nested stack (lib/route-areas.ts) where a route costs exactly ROUTE_RESOURCE_COST resources.
 * Every stack of every configuration stays under MAX_STACK_RESOURCES (300).
 */

type Json = any;

const synthesis = useSynthesis();
const count = (template: Json) => Object.keys(template.Resources).length;

describe('stack sizes', () => {
  test.each(Object.keys(CONFIGURATIONS) as ConfigurationName[])(
    `every stack of the %s configuration holds fewer than ${MAX_STACK_RESOURCES} resources`,
    (name) => {
      const { stackName, template, nested } = synthesis().stacks(name);
      const sizes = {
        [stackName]: count(template),
        ...Object.fromEntries(Object.entries(nested).map(([area, json]) => [`${stackName}/${area}Routes`, count(json)])),
      };
      for (const [stack, size] of Object.entries(sizes)) {
        expect({ stack, size, withinLimit: size < MAX_STACK_RESOURCES }).toEqual({ stack, size, withinLimit: true });
      }
      // What `npm test` shows of the sizes (README, docs/architecture.md quote them).
      if (name === 'default') console.log(`Resources per stack: ${JSON.stringify(sizes)}`);
    },
  );

  test(`a route costs ${ROUTE_RESOURCE_COST} resources in its area's stack (function, role, policy, log group, invoke permission, method), and nothing else is there`, () => {
    const { nested } = synthesis().stacks('default');
    expect(Object.keys(nested).sort()).toEqual(Object.keys(ROUTE_AREAS).sort());
    for (const [area, template] of Object.entries(nested) as [RouteArea, Json][]) {
      const routes = routeList.filter((route) => routeArea(route) === area).length;
      const types = Object.values(template.Resources as Record<string, Json>).map((resource) => resource.Type);
      const perType = (type: string) => types.filter((candidate) => candidate === type).length;
      expect({ area, total: types.length }).toEqual({ area, total: routes * ROUTE_RESOURCE_COST });
      for (const type of [
        'AWS::Lambda::Function',
        'AWS::IAM::Role',
        'AWS::IAM::Policy',
        'AWS::Logs::LogGroup',
        'AWS::Lambda::Permission',
        'AWS::ApiGateway::Method',
      ]) {
        expect({ area, type, count: perType(type) }).toEqual({ area, type, count: routes });
      }
    }
  });

  test('the application stack holds no route function, and each area has room for as many routes again as it has', () => {
    const { template, nested } = synthesis().stacks('default');
    expect(Object.values(template.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::ApiGateway::Method')).toEqual(
      [],
    );
    for (const [area, json] of Object.entries(nested)) {
      expect({ area, roomForTwice: count(json) * 2 <= MAX_STACK_RESOURCES }).toEqual({ area, roomForTwice: true });
    }
  });
});
