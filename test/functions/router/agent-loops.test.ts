import { HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { zodFunction } from 'openai/helpers/zod';
import { z } from 'zod';
import { Harness, TARGET } from './harness';

/**
 * Agent loops of the real client libraries against the router as `npm run dev` serves it: the
 * openai client's `runTools` (it calls the model, runs the tools it asks for, sends their results
 * back, until the model answers in text) and a LangChain tool-calling loop (bindTools, the tool's
 * own ToolMessage, again until no tool calls). The simulated model calls the tool it is made to
 * (tool_choice required / any) and, once it has a tool result, answers naming it.
 *
 * LangChain's prebuilt agents (createReactAgent in @langchain/langgraph, AgentExecutor in
 * langchain) are not dev dependencies here, so the loop is written with @langchain/core, which is
 * what both run underneath: the model's tool_calls, the tool invoked with each call, its ToolMessage.
 */
const h = new Harness();
let gateway: { url: string; close: () => Promise<void> };
let client: OpenAI;

beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  h.reset();
  h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
  gateway = await h.gateway();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused-locally', maxRetries: 0 });
});
afterEach(() => gateway.close());

const City = z.object({ city: z.string() });
const forecast = (city: string) => `18 degrees and sunny in ${city}`;
const modelCalls = () => h.bedrockCalls();

describe('openai runTools', () => {
  it('runs the tool the model asks for and sends its result back until the model answers in text', async () => {
    const asked: unknown[] = [];
    const runner = client.chat.completions.runTools({
      model: 'chat',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tool_choice: 'required',
      tools: [
        zodFunction({
          name: 'get_weather',
          description: 'The weather of a city',
          parameters: City,
          function: ({ city }) => {
            asked.push(city);
            return forecast(city);
          },
        }),
      ],
    });
    const content = await runner.finalContent();
    expect(asked).toEqual(['Paris']);
    // The model saw the tool's result (the simulated model names the toolResult it was sent).
    expect(content).toContain(forecast('Paris'));
    expect(runner.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(modelCalls()).toEqual([`${TARGET.haiku}@us-east-1 200`, `${TARGET.haiku}@us-east-1 200`]);
  });

  it('with a named function, calls the model once and returns the tool result (as the runner does)', async () => {
    const runner = client.chat.completions.runTools({
      model: 'chat',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      tools: [zodFunction({ name: 'get_weather', parameters: City, function: ({ city }) => forecast(city) })],
    });
    expect(await runner.finalFunctionToolCallResult()).toBe(forecast('Paris'));
    expect(await runner.finalFunctionToolCall()).toMatchObject({
      name: 'get_weather',
      parsed_arguments: { city: 'Paris' },
    });
    expect(modelCalls()).toHaveLength(1);
  });
});

describe('LangChain tool-calling agent loop', () => {
  it('binds the tool, runs each tool call and feeds the ToolMessages back until the model answers', async () => {
    const asked: string[] = [];
    const getWeather = tool(
      ({ city }: { city: string }) => {
        asked.push(city);
        return forecast(city);
      },
      { name: 'get_weather', description: 'The weather of a city', schema: City },
    );
    const model = new ChatOpenAI({
      model: 'chat',
      apiKey: 'unused-locally',
      configuration: { baseURL: `${gateway.url}/v1` },
      maxRetries: 0,
    }).bindTools([getWeather], { tool_choice: 'any' });
    const messages: BaseMessage[] = [new HumanMessage('Weather in Paris?')];
    let turns = 0;
    for (; turns < 5; turns++) {
      const answer = await model.invoke(messages);
      messages.push(answer);
      if (!answer.tool_calls?.length) break;
      for (const call of answer.tool_calls) messages.push(await getWeather.invoke(call));
    }
    expect(turns).toBe(1);
    expect(asked).toEqual(['Paris']);
    expect(messages.map((m) => m.getType())).toEqual(['human', 'ai', 'tool', 'ai']);
    expect(messages[messages.length - 1].text).toContain(forecast('Paris'));
    expect(modelCalls()).toHaveLength(2);
  });
});
